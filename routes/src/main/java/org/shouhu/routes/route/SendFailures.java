package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.SendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens after a provider refused a message: transient failures are retried with growing
 * backoff (30 s, 1 min, 2 min … up to 30 min, eight tries in all), permanent ones mark the message
 * failed, and a recipient who opted out at the provider (Twilio 21610) is opted out here too.
 */
public final class SendFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailures.class);
    static final int MAX_ATTEMPTS = 8;

    private final MessageStore messages;
    private final CareStore care;
    private final Clock clock;

    public SendFailures(MessageStore messages, CareStore care, Clock clock) {
        this.messages = messages;
        this.care = care;
        this.clock = clock;
    }

    public void handle(String id, SendFailedException failure) {
        StoredMessage m = messages.load(id).orElse(null);
        if (m == null) {
            return;
        }
        if (failure.recipientOptedOut()) {
            care.setOptedOut(m.to(), true);
        }
        int attempt = m.attempts() + 1;
        if (failure.isTransient() && attempt < MAX_ATTEMPTS) {
            Instant at = clock.instant().plus(failure.retryAfter().orElse(backoff(attempt)));
            LOG.info("message {} to {} failed ({}), retry {} at {}", id, m.to().masked(), failure.code(), attempt, at);
            messages.retryAt(id, failure.code(), at);
        } else {
            LOG.warn("message {} to {} failed for good ({})", id, m.to().masked(), failure.code());
            messages.recordFailed(id, failure.code());
        }
    }

    /** 30 s after the first failure, doubling, at most 30 min. */
    static Duration backoff(int attempt) {
        long seconds = 30L << Math.min(attempt - 1, 6);
        return Duration.ofSeconds(Math.min(seconds, 1800));
    }

}
