package org.shouhu.routes.port;

import org.shouhu.routes.model.InboundMessage;

/**
 * Takes a message a person sent, once the channel has verified it. Returns when it has been acted
 * on and every reply is in the outbox; throws when it could not be, so the channel can answer with
 * an error and the provider retries.
 */
@FunctionalInterface
public interface InboundSink {
    void accept(InboundMessage message);
}
