package org.shouhu.routes.model;

import java.time.Instant;

/**
 * A message a person sent us, as any channel hands it in.
 *
 * @param channel    the channel that received it ({@code twilio}, {@code aliyun}, {@code telegram}…)
 * @param providerId the provider's id for this message, used to act once on repeats
 * @param from       who sent it
 * @param body       the text as typed
 * @param receivedAt when the gateway received it
 */
public record InboundMessage(String channel, String providerId, Address from, String body, Instant receivedAt) {
    public InboundMessage {
        body = body == null ? "" : body;
    }
}
