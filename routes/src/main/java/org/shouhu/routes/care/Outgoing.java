package org.shouhu.routes.care;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;

/** The messages one command produces: replies to the sender and notices to others, in order. */
public final class Outgoing {

    private final Address sender;
    private final List<OutboundMessage> messages = new ArrayList<>();

    public Outgoing(Address sender) {
        this.sender = sender;
    }

    /** An answer to the sender's own message: sent at once, even after opt-out. */
    public Outgoing reply(TemplateKey key, Map<String, String> values) {
        messages.add(OutboundMessage.of(sender, key, values, MessageClass.REPLY));
        return this;
    }

    public Outgoing reply(TemplateKey key) {
        return reply(key, Map.of());
    }

    /** A notice to someone else (a guardian, a staff member): held back for those who opted out. */
    public Outgoing notify(Address to, TemplateKey key, Map<String, String> values) {
        messages.add(OutboundMessage.of(to, key, values, MessageClass.ROUTINE));
        return this;
    }

    /** Messages built elsewhere (a lesson's notices), in order. */
    public Outgoing add(List<OutboundMessage> more) {
        messages.addAll(more);
        return this;
    }

    /** A safety message to someone else (an escalation's all-clear to the captain): any hour. */
    public Outgoing safety(Address to, TemplateKey key, Map<String, String> values) {
        messages.add(OutboundMessage.of(to, key, values, MessageClass.SAFETY));
        return this;
    }

    public List<OutboundMessage> messages() {
        return List.copyOf(messages);
    }
}
