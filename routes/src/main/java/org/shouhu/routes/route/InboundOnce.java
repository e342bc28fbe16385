package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.InboundClaims;
import org.shouhu.routes.port.InboundClaims.Claim;
import org.shouhu.routes.port.InboundInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on each provider message exactly once, however often the provider repeats its webhook: a
 * try claims the message for a lease, and the message is done only when its replies are queued, in
 * the same write. A try that fails lets go of its claim; one that dies leaves a claim that runs out,
 * so the provider's retry is acted on either way. A retry that arrives while another try holds the
 * claim waits a little for it, then asks the provider to try again ({@link InboundInProgressException}).
 * The first try of a message also counts it on its sender's hourly count (what {@link ReplyCap} caps).
 */
public final class InboundOnce {

    private static final Logger LOG = LoggerFactory.getLogger(InboundOnce.class);

    /** How long a done message is remembered: providers repeat within minutes, never days. */
    static final Duration REMEMBER = Duration.ofDays(2);
    /**
     * How long a claim holds. Acting on a message takes milliseconds; Twilio and WeChat stop
     * retrying 15 s after the first try, so a claim left by a node that died must run out well
     * within that for one of the retries to act on the message.
     */
    public static final Duration LEASE = Duration.ofSeconds(10);
    /** The window {@link ReplyCap} counts a sender's messages in. */
    private static final Duration HOUR = Duration.ofHours(1);
    /**
     * How long a retry waits for another try that holds the message, unless its channel says otherwise
     * (the gateway gives WeChat 6 s: WeChat retries only a call it got no answer to within 5 s).
     */
    static final Duration PATIENCE = Duration.ofSeconds(4);
    private static final long POLL_MILLIS = 50;

    private final InboundClaims claims;
    private final Clock clock;
    private final Map<String, Duration> patience;

    public InboundOnce(InboundClaims claims, Clock clock) {
        this(claims, clock, Map.of());
    }

    /** {@code patience}: how long a retry waits for another try, by channel, where not {@link #PATIENCE}. */
    public InboundOnce(InboundClaims claims, Clock clock, Map<String, Duration> patience) {
        this.claims = claims;
        this.clock = clock;
        this.patience = Map.copyOf(patience);
    }

    /**
     * Claims the message: taken (act on it), or done before (nothing to do). While another try
     * holds it, waits up to the channel's patience for that try to finish or its lease to run out.
     *
     * @throws InboundInProgressException when another try still holds it after that
     */
    public Claim claim(InboundMessage message) {
        long deadline = System.nanoTime() + patience.getOrDefault(message.channel(), PATIENCE).toNanos();
        while (true) {
            Claim claim = claims.claim(key(message), clock.instant(), LEASE, REMEMBER,
                    "from:" + message.from().value(), HOUR);
            if (claim.outcome() != InboundClaims.Outcome.BUSY) {
                return claim;
            }
            if (System.nanoTime() >= deadline) {
                throw new InboundInProgressException(message.providerId(), Duration.ofSeconds(2));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InboundInProgressException(message.providerId(), Duration.ofSeconds(2));
            }
        }
    }

    /** Queues the replies and marks the message done, in one write, while the claim is still this try's. */
    public List<OutboundMessage> finish(Claim claim, List<OutboundMessage> replies) {
        return claims.finish(claim, REMEMBER, replies).orElseGet(() -> {
            LOG.warn("inbound {}: another try took the message over; its replies are that try's", claim.key());
            return List.of();
        });
    }

    /** Called when acting on the message failed: lets go of the claim (if this try holds one), so the retry is acted on. */
    public void release(Claim claim) {
        if (claim != null && claim.taken()) {
            claims.release(claim);
        }
    }

    private static String key(InboundMessage message) {
        return "in:" + message.channel() + ":" + message.providerId();
    }
}
