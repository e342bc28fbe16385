package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * A redelivered message's send lease belongs to one node at a time, and a node that died with one
 * does not keep it for ten minutes: the next node takes it at once (the message is a retry, a
 * throttled or a held one that the dead node was sending).
 */
class RedisSendLeasesTest {

    static final Duration TTL = Duration.ofMinutes(10);

    final UnifiedJedis redis = TestRedis.fresh();
    final NodeLiveness a = NodeLiveness.start(redis, "node-a", Duration.ofMinutes(1), Duration.ofMinutes(1));
    final NodeLiveness b = NodeLiveness.start(redis, "node-b", Duration.ofMinutes(1), Duration.ofMinutes(1));

    @AfterEach
    void stop() {
        b.close();
    }

    @Test
    void aLiveNodesLeaseIsItsOwnAndALeaseOfADeadNodeIsTakenAtOnce() {
        RedisSendLeases onA = new RedisSendLeases(redis, new RedisCounters(redis, java.time.Clock.systemUTC()), a);
        RedisSendLeases onB = new RedisSendLeases(redis, new RedisCounters(redis, java.time.Clock.systemUTC()), b);
        assertEquals(Set.of("sending:m1", "sending:m2"), onA.firstOf(List.of("sending:m1", "sending:m2"), TTL));
        assertEquals(Set.of("sending:m3"), onB.firstOf(List.of("sending:m1", "sending:m3"), TTL), "m1 is a's while a lives");
        assertFalse(onA.first("sending:m1", TTL), "not twice, even for its holder");

        redis.del(Keys.node("node-a")); // a is killed: its liveness key lapses

        assertEquals(Set.of("sending:m1", "sending:m2"), onB.firstOf(List.of("sending:m1", "sending:m2", "sending:m3"), TTL),
                "a's leases are b's at once; b's own m3 is not taken twice");
        assertTrue(redis.pttl(Keys.once("sending:m1")) > Duration.ofMinutes(9).toMillis(), "for a full lease of its own");
    }

    @Test
    void aLeaseWrittenBeforeLeasesNamedTheirNodeRunsItsTime() {
        redis.set(Keys.once("sending:m1"), "1");
        assertFalse(new RedisSendLeases(redis, new RedisCounters(redis, java.time.Clock.systemUTC()), b).first("sending:m1", TTL));
        assertTrue(new RedisSendLeases(redis, new RedisCounters(redis, java.time.Clock.systemUTC()), b).seen("sending:m1"));
    }
}
