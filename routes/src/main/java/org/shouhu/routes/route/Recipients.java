package org.shouhu.routes.route;

import java.time.ZonedDateTime;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.SafetySettings;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;

/**
 * Decides, at send time, whether a message goes now: after opt-out only replies to the person's
 * own messages go out (the rest is recorded as suppressed), and routine notices are held through
 * the quiet hours (21:00–08:00 in the sites' zone) while replies and safety alerts go at any hour.
 */
public final class Recipients {

    private final CareStore care;
    private final MessageStore messages;
    private final Outbox outbox;
    private final Once once;
    private final CareDay day;
    private final SafetySettings settings;

    public Recipients(CareStore care, MessageStore messages, Outbox outbox, Once once, CareDay day,
                      SafetySettings settings) {
        this.care = care;
        this.once = once;
        this.outbox = outbox;
        this.messages = messages;
        this.day = day;
        this.settings = settings;
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
        if (!m.to().isSms() && care.isUnreachable(m.to())) {
            messages.recordSuppressed(id, FallbackToSms.enqueue(m, care, outbox) ? "unreachable:sms-fallback" : "unreachable");
            return null;
        }
        ZonedDateTime now = day.now();
        if (m.kind() == MessageClass.ROUTINE && settings.isQuiet(now.toLocalTime())) {
            messages.holdUntil(id, quietEnd(now).toInstant());
            return null;
        }
        if (!once.first(SendLease.key(id), SendLease.TTL)) {
            // another worker (one that claimed this entry while the first was still busy) is sending it
            throw new SendLease.Busy(id);
        }
        return m;
    }

    private ZonedDateTime quietEnd(ZonedDateTime now) {
        ZonedDateTime end = now.toLocalDate().atTime(settings.quietUntil()).atZone(now.getZone());
        return end.isAfter(now) ? end : end.plusDays(1);
    }
}
