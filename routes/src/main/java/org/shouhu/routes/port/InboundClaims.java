package org.shouhu.routes.port;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.shouhu.routes.model.OutboundMessage;

/**
 * Claims on provider messages, so that each is acted on exactly once however often its provider
 * repeats it: a try takes a claim that expires (a lease, judged by the caller's clock), and the
 * message is marked done only in the same atomic write that queues its replies.
 */
public interface InboundClaims {

    /** What a try found when it asked for a message. */
    enum Outcome {
        /** The claim is this try's: act on the message. */
        TAKEN,
        /** Acted on before, replies queued: nothing to do. */
        DONE,
        /** Another try holds a claim that has not run out yet. */
        BUSY
    }

    /**
     * A try's claim: its key, what it found, the token that proves the claim is this try's, the
     * sender's messages counted this hour with this one (each provider message counted once, by
     * the first try; a later try of it gets the same number), and whether an earlier try of the
     * message had claimed it (and may have stored its effect before it failed or died).
     */
    record Claim(String key, Outcome outcome, String token, long fromThisHour, boolean retry) {

        public boolean taken() {
            return outcome == Outcome.TAKEN;
        }
    }

    /**
     * Takes the claim on {@code key} for {@code lease} from {@code now} when no try holds it (or
     * the holder's lease ran out before {@code now}); a new message also counts one on the sender's
     * fixed-window counter {@code counter} ({@code window} long). Claims and done marks are kept
     * {@code remember} long.
     */
    Claim claim(String key, Instant now, Duration lease, Duration remember, String counter, Duration window);

    /** Lets go of a claim this try holds without marking the message done, so a retry is acted on at once. */
    void release(Claim claim);

    /**
     * Queues {@code messages} (which may be empty) and marks the message done, kept {@code remember}
     * long, in one atomic write — only while the claim is still this try's.
     *
     * @return the messages queued, with their ids; empty when another try took the message over (or
     *         finished it), and nothing was queued
     */
    java.util.Optional<List<OutboundMessage>> finish(Claim claim, Duration remember, List<OutboundMessage> messages);
}
