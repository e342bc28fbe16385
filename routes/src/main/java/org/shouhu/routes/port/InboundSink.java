package org.shouhu.routes.port;

import org.shouhu.routes.model.InboundMessage;

/**
 * Takes a message a person sent, once the channel has verified it. Returns when it has been acted
 * on and every reply is in the outbox (or had been, by an earlier try of the same provider
 * message); throws {@link InboundInProgressException} when another try is still acting on it, and
 * anything else when it could not be acted on, so the channel can answer with an error and the
 * provider retries.
 */
@FunctionalInterface
public interface InboundSink {
    void accept(InboundMessage message);
}
