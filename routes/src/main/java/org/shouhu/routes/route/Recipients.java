package org.shouhu.routes.route;

import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;

/**
 * Decides, at send time, whether a recipient still wants a message: after opt-out only replies to
 * the person's own messages go out; the rest is recorded as suppressed.
 */
public final class Recipients {

    private final CareStore care;
    private final MessageStore messages;

    public Recipients(CareStore care, MessageStore messages) {
        this.care = care;
        this.messages = messages;
    }

    /** The message to send, or null when it is already done with or must not go out. */
    public StoredMessage sendable(String id) {
        StoredMessage m = messages.load(id).orElse(null);
        if (m == null || m.providerId() != null || m.status().isFinal()) {
            return null;
        }
        if (m.kind() != MessageClass.REPLY && care.isOptedOut(m.to())) {
            messages.recordSuppressed(id, "opted-out");
            return null;
        }
        return m;
    }
}
