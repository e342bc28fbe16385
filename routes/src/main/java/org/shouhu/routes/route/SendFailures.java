package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens after a provider refused a message: transient failures are retried with growing
 * backoff (30 s, 1 min, 2 min … up to 30 min, eight tries in all), permanent ones mark the message
 * failed, a recipient who opted out at the provider (Twilio 21610) is opted out here too, and a
 * chat account that blocked us is marked unreachable and the message goes by SMS when we know a phone.
 */
public final class SendFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailures.class);
    static final int MAX_ATTEMPTS = 8;

    private final MessageStore messages;
    private final CareStore care;
    private final Outbox outbox;
    private final Once once;
    private final Clock clock;

    public SendFailures(MessageStore messages, CareStore care, Outbox outbox, Once once, Clock clock) {
        this.once = once;
        this.messages = messages;
        this.care = care;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * @param m      the message as it was sent (with the attempts its record counted before this one)
     * @param leased whether this worker holds the message's send lease (a redelivery), let go here
     */
    public void handle(StoredMessage m, boolean leased, SendFailedException failure) {
        String id = m.id();
        if (leased) {
            once.forget(SendLease.key(id));
        }
        if (failure.recipientOptedOut()) {
            care.setOptedOut(m.to(), true);
        }
        if (failure.recipientUnreachable()) {
            LOG.warn("message {}: {} cannot be reached on this channel any more ({})", id, m.to().masked(), failure.code());
            care.setUnreachable(m.to(), true);
            messages.recordFailed(m, failure.code());
            FallbackToSms.enqueue(m, care, outbox);
            return;
        }
        int attempt = m.attempts() + 1;
        if (failure.isTransient() && attempt < MAX_ATTEMPTS) {
            Instant at = clock.instant().plus(failure.retryAfter().orElse(backoff(attempt)));
            LOG.info("message {} to {} failed ({}), retry {} at {}", id, m.to().masked(), failure.code(), attempt, at);
            messages.retryAt(m, failure.code(), at);
        } else {
            LOG.warn("message {} to {} failed for good ({})", id, m.to().masked(), failure.code());
            messages.recordFailed(m, failure.code());
        }
    }

    /** 30 s after the first failure, doubling, at most 30 min. */
    static Duration backoff(int attempt) {
        long seconds = 30L << Math.min(attempt - 1, 6);
        return Duration.ofSeconds(Math.min(seconds, 1800));
    }

}
