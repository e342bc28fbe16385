package org.shouhu.routes.port;

import java.time.Duration;

/**
 * Thrown by an {@link InboundSink} when another try of the same provider message is still acting
 * on it and did not finish in the time this try waited: the channel answers with an error the
 * provider retries on (503), never 200, so the message is not dropped should that try die.
 */
public final class InboundInProgressException extends RuntimeException {

    private final transient Duration retryAfter;

    public InboundInProgressException(String providerId, Duration retryAfter) {
        super("message " + providerId + " is being acted on by another try");
        this.retryAfter = retryAfter;
    }

    /** When a retry may find the other try finished, or its claim run out. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
