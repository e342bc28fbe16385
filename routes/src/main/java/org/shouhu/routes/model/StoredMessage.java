package org.shouhu.routes.model;

import java.time.Instant;
import java.util.Map;
import org.shouhu.templates.TemplateKey;

/**
 * An outbound message as the message store keeps it: what was asked for, the text that went out
 * and where its delivery stands. A record that holds only what a provider reported (its receipt
 * was never written: the node stopped in between) has no message: see {@link #reportOnly}.
 *
 * @param text       the rendered text as sent (null until rendered)
 * @param providerId the provider's id once it accepted the message
 * @param errorCode  the last error code (provider's, or ours: {@code opted-out})
 * @param attempts   how many sends were tried
 */
public record StoredMessage(String id, Address to, TemplateKey template, Map<String, String> params,
                            MessageClass kind, DeliveryStatus status, String text, String providerId,
                            String errorCode, int attempts, Instant createdAt, Instant updatedAt) {

    /** A message as the outbox hands it to the outbound route the first time: queued at {@code at}, not yet tried. */
    public static StoredMessage queued(OutboundMessage m, Instant at) {
        return new StoredMessage(m.id(), m.to(), m.template(), m.params(), m.kind(), DeliveryStatus.PENDING, null, null,
                null, 0, at, at);
    }

    /** What a provider reported on a message whose own record was never written: its status and the provider's id. */
    public static StoredMessage reportOnly(String id, DeliveryStatus status, String providerId, String errorCode,
                                           Instant at) {
        return new StoredMessage(id, null, null, Map.of(), null, status, null, providerId, errorCode, 0, at, at);
    }

    /** Whether this is only a provider's report, with no message (no recipient, no template). */
    public boolean isReportOnly() {
        return to == null;
    }

    public OutboundMessage request() {
        return new OutboundMessage(id, to, template, params, kind);
    }
}
