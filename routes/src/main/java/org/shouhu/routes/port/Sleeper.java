package org.shouhu.routes.port;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until an instant of the gateway's clock: how a sender keeps a {@link Pacer.Slot}; tests give
 * one that moves their settable clock instead of sleeping.
 */
@FunctionalInterface
public interface Sleeper {

    /** Returns at {@code at} by the clock (at once when it has passed). */
    void sleepUntil(Instant at) throws InterruptedException;

    /** Sleeps the thread for as long as {@code clock} says is left until the instant (once: no re-reading a stopped clock). */
    static Sleeper of(Clock clock) {
        return at -> {
            long nanos = Duration.between(clock.instant(), at).toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
