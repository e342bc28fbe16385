package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.TestRedis;
import redis.clients.jedis.UnifiedJedis;

/** An invite code expires by the gateway's clock (simulated in tests and the demo), not by Redis's own time. */
class InviteExpiryTest {

    private static final Duration VALID = Duration.ofHours(24);
    private static final String CODE = "12345678";

    private final SettableClock clock = new SettableClock(Instant.parse("2026-07-15T01:00:00Z"));
    private UnifiedJedis redis;
    private RedisCareStore store;

    @BeforeEach
    void fresh() {
        redis = TestRedis.fresh();
        store = new RedisCareStore(redis, clock);
    }

    @Test
    void aCodeBindsUntilItsTimeByTheClock() {
        assertTrue(store.createInvite(CODE, List.of("c1", "c2"), VALID));
        clock.advance(VALID.minusSeconds(1));
        assertEquals(List.of("c1", "c2"), store.useInvite(CODE, 2));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), store.useInvite(CODE, 2), "expired at 24 hours by the clock");
        assertFalse(redis.exists("sh:invite:" + CODE), "and deleted");
    }

    @Test
    void aCodeThatExpiredByTheClockCanBeIssuedAgainThoughRedisStillHoldsIt() {
        assertTrue(store.createInvite(CODE, List.of("c1"), VALID));
        assertFalse(store.createInvite(CODE, List.of("c9"), VALID), "a live code is not taken over");
        clock.advance(VALID);
        assertTrue(store.createInvite(CODE, List.of("c9"), VALID));
        assertEquals(List.of("c9"), store.useInvite(CODE, 2));
        assertEquals(List.of("c9"), store.useInvite(CODE, 2), "a fresh count of uses: two binds");
        assertEquals(List.of(), store.useInvite(CODE, 2));
    }

    @Test
    void aCodeMadeBeforeExpiryTimesWereKeptStillBinds() {
        redis.psetex("sh:invite:" + CODE, VALID.toMillis(), "c3");
        clock.advance(Duration.ofDays(3));
        assertEquals(List.of("c3"), store.useInvite(CODE, 2), "its Redis TTL still decides");
    }

    @Test
    void theGatewaysStoreFollowsItsSimulatedClock() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest()) {
            RedisCareStore care = gw.gateway.care();
            assertTrue(care.createInvite(CODE, List.of("c1"), VALID));
            gw.clock.advance(Duration.ofHours(25));
            assertEquals(List.of(), care.useInvite(CODE, 2), "a day later by the gateway's clock the code is over");
        }
    }
}
