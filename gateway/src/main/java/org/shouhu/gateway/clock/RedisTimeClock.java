package org.shouhu.gateway.clock;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * The time all nodes agree on: Redis's {@code TIME}, measured once a minute as an offset to this node's own clock and
 * added to it, so a node whose clock is minutes off still fires reminders, deadlines and ladders when the others do,
 * without a round trip per reading.
 *
 * <p>The offset is re-measured when a minute of the node's clock has passed or its clock went backwards, by one
 * caller at a time (the others keep the last offset). When Redis cannot be asked, the last offset stays (zero
 * before the first answer) and the next reading tries again after {@link #RETRY}. A re-measure may move the time
 * by the network's jitter, a few milliseconds either way.
 */
public final class RedisTimeClock extends Clock {

    /** How often the offset to Redis's time is measured again. */
    public static final Duration REMEASURE = Duration.ofMinutes(1);
    /** How soon a measurement that failed is tried again. */
    public static final Duration RETRY = Duration.ofSeconds(5);
    /** An offset this large is worth a warning: this node's clock needs fixing. */
    private static final Duration WORTH_A_WARNING = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(RedisTimeClock.class);

    private final Clock base;
    private final Supplier<Instant> shared;
    private final State state;

    /** Measurements, shared by the clock and its {@link #withZone} copies. */
    private static final class State {
        private final AtomicBoolean measuring = new AtomicBoolean();
        private volatile Duration offset;
        private volatile Instant nextMeasure;
    }

    /**
     * @param base   this node's own clock
     * @param shared the time every node reads alike (Redis's {@code TIME}; a test's clock in tests)
     */
    public RedisTimeClock(Clock base, Supplier<Instant> shared) {
        this(base, shared, new State());
    }

    private RedisTimeClock(Clock base, Supplier<Instant> shared, State state) {
        this.base = base;
        this.shared = shared;
        this.state = state;
    }

    /** {@code clock} corrected to Redis's time when it is the system clock; any other clock (simulated, fixed) as is. */
    public static Clock following(Clock clock, UnifiedJedis redis) {
        return clock.equals(Clock.system(clock.getZone())) ? new RedisTimeClock(clock, () -> time(redis)) : clock;
    }

    /** Redis's {@code TIME}: seconds and microseconds since the epoch. */
    static Instant time(UnifiedJedis redis) {
        List<?> reply = (List<?>) redis.sendCommand(Protocol.Command.TIME);
        long seconds = Long.parseLong(new String((byte[]) reply.get(0), StandardCharsets.US_ASCII));
        long micros = Long.parseLong(new String((byte[]) reply.get(1), StandardCharsets.US_ASCII));
        return Instant.ofEpochSecond(seconds, micros * 1_000);
    }

    @Override
    public Instant instant() {
        Instant now = base.instant();
        Instant next = state.nextMeasure;
        if (next == null || !now.isBefore(next) || now.isBefore(next.minus(REMEASURE))) {
            measure(state.offset == null);
        }
        Duration offset = state.offset;
        return offset == null ? base.instant() : base.instant().plus(offset);
    }

    /** The offset last measured (zero before the first answer): Redis's time minus this node's. */
    public Duration offset() {
        Duration offset = state.offset;
        return offset == null ? Duration.ZERO : offset;
    }

    private void measure(boolean first) {
        if (!state.measuring.compareAndSet(false, true) && !first) {
            return; // another caller is measuring; the last offset serves meanwhile
        }
        try {
            Instant before = base.instant();
            Instant theirs = shared.get();
            Instant after = base.instant();
            Instant ours = before.plus(Duration.between(before, after).dividedBy(2));
            Duration offset = Duration.between(ours, theirs);
            Duration previous = state.offset;
            state.offset = offset;
            state.nextMeasure = after.plus(REMEASURE);
            if (offset.abs().compareTo(WORTH_A_WARNING) > 0
                    && (previous == null || offset.minus(previous).abs().compareTo(Duration.ofSeconds(1)) > 0)) {
                LOG.warn("this node's clock is {} ms off Redis's time; firing by Redis's time", -offset.toMillis());
            }
        } catch (RuntimeException e) {
            if (state.offset == null) {
                state.offset = Duration.ZERO;
            }
            state.nextMeasure = base.instant().plus(RETRY);
            LOG.warn("could not read Redis's time, keeping the last offset ({} ms): {}", offset().toMillis(), e.toString());
        } finally {
            state.measuring.set(false);
        }
    }

    @Override
    public ZoneId getZone() {
        return base.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(base.getZone()) ? this : new RedisTimeClock(base.withZone(zone), shared, state);
    }
}
