package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.routes.port.SendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens after a provider refused a message. A throttle (429, 20429) waits as long as the
 * provider asked — clamped to [{@link #MIN_WAIT}, {@link #MAX_WAIT}] — and is not counted as an
 * attempt; other transient failures are retried with growing backoff (30 s, 1 min, 2 min … up to
 * 30 min, or the provider's clamped {@code Retry-After}). A message is given up by the time since
 * it was created ({@link #giveUpAfter}: REPLY 2 h, ROUTINE 24 h, SAFETY 48 h, a voice call 10 min), not by a count of
 * quick tries. Permanent failures mark the message failed, a recipient who opted out at the provider
 * (Twilio 21610) is opted out here too, and a chat account that blocked us is marked unreachable
 * and the message goes by SMS when we know a phone; a phone the provider holds back for a while
 * (Aliyun's per-number flow control, {@link SendFailedException#tryAnotherChannel}) has its message go
 * to the person's chat account at once instead of waiting, when they have one ({@link Fallback#toChat}),
 * and the message is recorded as settled by chat ({@code isv.BUSINESS_LIMIT_CONTROL:chat-fallback}, or
 * {@code :in-chat} when the chat account was sent its own copy). A safety message that finally cannot be
 * delivered is never silent: the site's captain (or, for staff, the county coordinator) is told
 * through the outbox ({@link UnreachableNotice}) before the failure is recorded, so a crash in
 * between repeats the notice rather than losing it.
 */
public final class SendFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SendFailures.class);
    /** The shortest wait a provider's {@code Retry-After} (or a throttle without one) gets: 1 s would burn a storm in seconds. */
    static final Duration MIN_WAIT = Duration.ofSeconds(5);
    /** The longest: a provider asking for days would park a safety alert for days. */
    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** A throttle that names no wait. */
    static final Duration THROTTLE_WAIT = Duration.ofSeconds(30);

    private final MessageStore messages;
    private final CareStore care;
    private final Outbox outbox;
    private final Once once;
    private final Clock clock;
    private final UnreachableNotice notice;

    public SendFailures(MessageStore messages, CareStore care, SafetyStore safety, Outbox outbox, Once once, Clock clock) {
        this.once = once;
        this.messages = messages;
        this.care = care;
        this.outbox = outbox;
        this.clock = clock;
        this.notice = new UnreachableNotice(care, safety);
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
            if (!Fallback.toSms(m, care, outbox)) {
                notice.tell(m, outbox);
            }
            messages.recordFailed(m, failure.code());
            return;
        }
        if (failure.tryAnotherChannel()) {
            Fallback.ByChat byChat = Fallback.toChat(m, care, outbox);
            if (byChat != Fallback.ByChat.NONE) {
                String how = byChat == Fallback.ByChat.QUEUED ? "chat-fallback" : "in-chat";
                LOG.info("message {} to {} held back ({}): goes by chat instead ({})", id, m.to().masked(),
                        failure.code(), how);
                messages.recordSuppressed(m, failure.code() + ":" + how);
                return;
            }
        }
        Instant now = clock.instant();
        Instant giveUpAt = m.createdAt().plus(giveUpAfter(m));
        int attempt = m.attempts() + 1;
        // the next try, if any: one due after the give-up time would only send late what is no longer worth sending
        Instant at = !failure.isTransient() ? null : failure.isThrottled() ? now.plus(throttleWait(failure))
                : now.plus(failure.retryAfter().map(SendFailures::clamp).orElse(backoff(attempt)));
        if (at != null && at.isBefore(giveUpAt)) {
            if (failure.isThrottled()) {
                LOG.info("message {} to {} throttled ({}), again at {} (not an attempt)", id, m.to().masked(),
                        failure.code(), at);
                messages.holdUntil(List.of(m), failure.code(), at);
            } else {
                LOG.info("message {} to {} failed ({}), retry {} at {}", id, m.to().masked(), failure.code(), attempt, at);
                messages.retryAt(m, failure.code(), at);
            }
        } else {
            LOG.warn("message {} to {} failed for good ({}{})", id, m.to().masked(), failure.code(),
                    failure.isTransient() ? ", given up after " + giveUpAfter(m).toMinutes() + " min" : "");
            notice.tell(m, outbox);
            messages.recordFailed(m, failure.code());
        }
    }

    /**
     * How long after its creation a message that keeps failing is given up: a reply matters while the
     * person waits, a routine notice for the day (it may have been held through the quiet hours), a
     * safety message longest — its recipient's captain hears when it is given up.
     */
    static Duration giveUpAfter(StoredMessage m) {
        // a call is worth placing only before its ladder's next step (the captain, minutes later) takes over
        return Address.VOICE.equals(m.to().channel()) ? CALL_GIVE_UP : giveUpAfter(m.kind());
    }

    /** How long a voice call that keeps failing is tried: well within the ladder's step to the captain. */
    static final Duration CALL_GIVE_UP = Duration.ofMinutes(10);

    static Duration giveUpAfter(MessageClass kind) {
        return switch (kind) {
            case REPLY -> Duration.ofHours(2);
            case ROUTINE -> Duration.ofHours(24);
            case SAFETY -> Duration.ofHours(48);
        };
    }

    /** How long a throttle makes its message (and the rest of its channel's part of the batch) wait. */
    static Duration throttleWait(SendFailedException throttle) {
        return clamp(throttle.retryAfter().orElse(THROTTLE_WAIT));
    }

    /** A provider's wait, kept within [{@link #MIN_WAIT}, {@link #MAX_WAIT}]. */
    static Duration clamp(Duration asked) {
        return asked.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : asked.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : asked;
    }

    /** 30 s after the first failure, doubling, at most 30 min. */
    static Duration backoff(int attempt) {
        long seconds = 30L << Math.min(Math.max(attempt - 1, 0), 6);
        return Duration.ofSeconds(Math.min(seconds, 1800));
    }

}
