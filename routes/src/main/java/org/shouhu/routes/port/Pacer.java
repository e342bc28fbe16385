package org.shouhu.routes.port;

import java.time.Duration;
import java.time.Instant;

/**
 * How fast each channel's sending identities may go, enforced across every node on the same Redis:
 * a worker reserves a slot before each provider call and makes the call no earlier than the slot.
 */
public interface Pacer {

    /**
     * One provider call's turn.
     *
     * @param sender the sending identity to use (a Twilio number); null: the channel's default
     * @param at     not before this instant
     */
    record Slot(String sender, Instant at) { }

    /** Reserves the channel's next slot (one provider call). */
    Slot reserve(String channel);

    /**
     * Called when a slot has come, just before its provider call: null when the call may start now
     * (it is counted as started), else when to ask again. A slot kept late (a long pause, a busy
     * core) would otherwise bunch with the slots after it, and a provider that counts arrivals in a
     * strict window refuses the one too many; so the calls a sender starts are held to its rate as
     * they really start, not only as they were reserved.
     */
    Instant start(String channel, String sender);

    /** The provider throttled {@code sender} (429, 20429, 45009): it goes slower for a while. */
    void throttled(String channel, String sender, Duration retryAfter);

    /**
     * How many of the channel's messages a worker reads at once: about the slots of the next fraction
     * of a second (at least 1), so that a batch of a lower lane never keeps a higher lane waiting
     * for more than about one slot.
     */
    int batchSize(String channel);

    /** Messages a second the channel sends now, all its identities together; infinite when unpaced. */
    double rate(String channel);

    /** Whether the channel is paced at all (no Redis call: what the node was configured with). */
    boolean paces(String channel);

    /** No pacing: every slot is now, batches are as large as the outbox reads. */
    Pacer UNPACED = new Pacer() {
        @Override
        public Slot reserve(String channel) {
            return new Slot(null, Instant.MIN);
        }

        @Override
        public Instant start(String channel, String sender) {
            return null;
        }

        @Override
        public void throttled(String channel, String sender, Duration retryAfter) {
        }

        @Override
        public int batchSize(String channel) {
            return Integer.MAX_VALUE;
        }

        @Override
        public double rate(String channel) {
            return Double.POSITIVE_INFINITY;
        }

        @Override
        public boolean paces(String channel) {
            return false;
        }
    };
}
