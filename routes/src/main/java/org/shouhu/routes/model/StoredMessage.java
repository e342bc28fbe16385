package org.shouhu.routes.model;

import java.time.Instant;
import java.util.Map;
import org.shouhu.templates.TemplateKey;

/**
 * An outbound message as the message store keeps it: what was asked for, the text that went out
 * and where its delivery stands.
 *
 * @param text       the rendered text as sent (null until rendered)
 * @param providerId the provider's id once it accepted the message
 * @param errorCode  the last error code (provider's, or ours: {@code opted-out})
 * @param attempts   how many sends were tried
 */
public record StoredMessage(String id, Address to, TemplateKey template, Map<String, String> params,
                            MessageClass kind, DeliveryStatus status, String text, String providerId,
                            String errorCode, int attempts, Instant createdAt, Instant updatedAt) {

    public OutboundMessage request() {
        return new OutboundMessage(id, to, template, params, kind);
    }
}
