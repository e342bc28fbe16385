package org.shouhu.gateway.testing;

import java.time.Duration;
import java.time.Instant;
import org.shouhu.routes.port.Pacer;

/**
 * A pacer that says every channel sends {@code perSecond} and reads {@code batch} at a time, and
 * never makes anyone wait: for tests of what follows a rate (estimates, read sizes), not of pacing.
 */
public record FixedRatePacer(double perSecond, int batch) implements Pacer {

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
        return batch;
    }

    @Override
    public double rate(String channel) {
        return perSecond;
    }

    @Override
    public boolean paces(String channel) {
        return true;
    }
}
