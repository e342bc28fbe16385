package org.shouhu.routes.model;

import java.util.Map;
import org.shouhu.templates.TemplateKey;

/**
 * A message we mean to send: a template and its values for one recipient. It is rendered and
 * sent by the outbound route; its id doubles as the idempotency key of the send.
 *
 * @param id       unique id, assigned by the outbox on enqueue (null before)
 * @param to       the recipient
 * @param template which text to send
 * @param params   the template's values (strings)
 * @param kind     the message class
 */
public record OutboundMessage(String id, Address to, TemplateKey template, Map<String, String> params, MessageClass kind) {
    public OutboundMessage {
        params = Map.copyOf(params);
    }

    public static OutboundMessage of(Address to, TemplateKey template, Map<String, String> params, MessageClass kind) {
        return new OutboundMessage(null, to, template, params, kind);
    }

    /** The same message for another recipient (no id yet: the outbox gives it one). */
    public OutboundMessage withTo(Address other) {
        return new OutboundMessage(null, other, template, params, kind);
    }

    public OutboundMessage withId(String newId) {
        return new OutboundMessage(newId, to, template, params, kind);
    }
}
