package org.shouhu.gateway.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;

class RedisTimeClockTest {

    private static final Instant REDIS_NOW = Instant.parse("2026-07-15T00:30:00Z");

    private final SettableClock redisTime = new SettableClock(REDIS_NOW);
    /** A node whose own clock is 7 minutes slow. */
    private final Clock slowNode = Clock.offset(redisTime, Duration.ofMinutes(-7));
    private final AtomicInteger asked = new AtomicInteger();
    private final Supplier<Instant> redis = () -> {
        asked.incrementAndGet();
        return redisTime.instant();
    };

    @Test
    void aNodeWhoseClockIsMinutesOffReadsRedisTime() {
        RedisTimeClock clock = new RedisTimeClock(slowNode, redis);
        assertEquals(REDIS_NOW, clock.instant());
        redisTime.advance(Duration.ofSeconds(30));
        assertEquals(REDIS_NOW.plusSeconds(30), clock.instant());
        assertEquals(Duration.ofMinutes(7), clock.offset());
    }

    @Test
    void redisIsAskedOnceAMinuteNotOnEveryReading() {
        RedisTimeClock clock = new RedisTimeClock(slowNode, redis);
        for (int i = 0; i < 1000; i++) {
            clock.instant();
        }
        assertEquals(1, asked.get());
        redisTime.advance(RedisTimeClock.REMEASURE);
        clock.instant();
        assertEquals(2, asked.get(), "measured again after a minute of the node's clock");
    }

    @Test
    void aNodeClockThatIsCorrectedMidwayIsFollowedAtTheNextMeasure() {
        SettableClock node = new SettableClock(REDIS_NOW.minus(Duration.ofMinutes(7)));
        RedisTimeClock clock = new RedisTimeClock(node, redis);
        assertEquals(REDIS_NOW, clock.instant());
        node.set(REDIS_NOW); // NTP fixed the node's clock: it jumped forward 7 minutes, a re-measure is due
        assertEquals(REDIS_NOW, clock.instant());
        node.set(REDIS_NOW.minus(Duration.ofMinutes(7))); // and back: a clock going backwards re-measures at once
        assertEquals(REDIS_NOW, clock.instant());
        assertEquals(3, asked.get());
    }

    @Test
    void whenRedisCannotBeAskedTheLastOffsetStaysAndItIsAskedAgainSoon() {
        boolean[] down = {false};
        RedisTimeClock clock = new RedisTimeClock(slowNode, () -> {
            asked.incrementAndGet();
            if (down[0]) {
                throw new IllegalStateException("connection refused");
            }
            return redisTime.instant();
        });
        assertEquals(REDIS_NOW, clock.instant());
        down[0] = true;
        redisTime.advance(RedisTimeClock.REMEASURE);
        assertEquals(REDIS_NOW.plus(RedisTimeClock.REMEASURE), clock.instant(), "the last offset, not the node's own time");
        clock.instant();
        assertEquals(2, asked.get(), "not asked on every reading while Redis is away");
        down[0] = false;
        redisTime.advance(RedisTimeClock.RETRY);
        clock.instant();
        assertEquals(3, asked.get(), "asked again after the retry delay");
    }

    @Test
    void anotherZoneSharesTheMeasurement() {
        RedisTimeClock clock = new RedisTimeClock(slowNode, redis);
        Clock beijing = clock.withZone(ZoneId.of("Asia/Shanghai"));
        assertEquals(REDIS_NOW, beijing.instant());
        assertEquals(REDIS_NOW, clock.instant());
        assertEquals(1, asked.get());
    }

    @Test
    void realRedisTimeCorrectsASkewedNodeClock() {
        var jedis = TestRedis.fresh();
        RedisTimeClock clock = new RedisTimeClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-7)),
                () -> RedisTimeClock.time(jedis));
        Duration fromRedis = Duration.between(RedisTimeClock.time(jedis), clock.instant()).abs();
        assertTrue(fromRedis.compareTo(Duration.ofSeconds(2)) < 0, "off Redis's TIME by " + fromRedis);
    }

    @Test
    void onlyTheSystemClockIsCorrected() {
        var jedis = TestRedis.fresh();
        assertInstanceOf(RedisTimeClock.class, RedisTimeClock.following(Clock.systemUTC(), jedis));
        SettableClock simulated = new SettableClock(REDIS_NOW);
        assertSame(simulated, RedisTimeClock.following(simulated, jedis), "a simulated clock stays as it is");
        Clock fixed = Clock.fixed(REDIS_NOW, ZoneId.of("UTC"));
        assertSame(fixed, RedisTimeClock.following(fixed, jedis));
    }
}
