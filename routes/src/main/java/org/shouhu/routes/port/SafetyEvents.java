package org.shouhu.routes.port;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.model.OutboundMessage;

/**
 * Which node fires a site's timed event (no-show check, pick-up reminder, …) of a day: a lease
 * that runs out at a time of the gateway's clock, so work a node left half done is taken up by
 * the next sweep after it, and a done mark that is final, so the event is never fired twice.
 * Events are named by the caller ({@code event:NO_SHOW_CHECK:ZT0427:2026-07-15}).
 */
public interface SafetyEvents {

    /** Where an event stands for the caller that asked for its lease. */
    enum Lease {
        /** Leased to the caller until {@code now + visibility}: fire it, then {@link #finish} it. */
        OURS,
        /** Fired to the end, here or elsewhere: nothing to do. */
        DONE,
        /** Another node's lease has not run out: ask again on a later sweep. */
        BUSY
    }

    /** Leases each of these events that is neither done nor leased by someone else at {@code now}, in one step. */
    Map<String, Lease> lease(Collection<String> events, Instant now, Duration visibility);

    /** Marks an event done, for good. */
    void finish(String event);

    /**
     * Queues an event's messages and marks it done in one atomic write, once: an event fired again
     * after any failure, even after its reply was lost, queues nothing twice. Returns the messages
     * with their ids; empty when they had been queued before.
     */
    Optional<List<OutboundMessage>> queueAndFinish(String event, List<OutboundMessage> messages);

    /** Gives a lease this node holds back after a failure, so the next sweep fires the event at once; never undoes a done mark. */
    void release(String event);
}
