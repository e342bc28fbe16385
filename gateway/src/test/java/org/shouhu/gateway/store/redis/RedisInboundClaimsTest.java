package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.InboundClaims.Claim;
import org.shouhu.routes.port.InboundClaims.Outcome;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;

/** A provider message's claim in Redis: a lease judged by the gateway's clock, a done mark written with the replies, the sender counted once. */
class RedisInboundClaimsTest {

    static final Instant T0 = Instant.parse("2026-07-15T00:05:00Z");
    static final Duration LEASE = Duration.ofSeconds(10);
    static final Duration REMEMBER = Duration.ofDays(2);
    static final Duration HOUR = Duration.ofHours(1);
    static final String KEY = "in:twilio:SM1";
    static final Address STAFF = new Address("+8613800000002");

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisInboundClaims claims = new RedisInboundClaims(redis,
            new RedisMessages(redis, Clock.fixed(T0, ZoneOffset.UTC)));

    private Claim claim(Instant now) {
        return claims.claim(KEY, now, LEASE, REMEMBER, "from:" + STAFF.value(), HOUR);
    }

    private static List<OutboundMessage> reply() {
        return List.of(OutboundMessage.of(STAFF, TemplateKey.CHECKED_IN, Map.of("count", "1", "missing", "0", "list", "1王小明"),
                MessageClass.REPLY));
    }

    private long counted() {
        return Long.parseLong(redis.get(Keys.rate("from:" + STAFF.value(), T0.toEpochMilli() / HOUR.toMillis())));
    }

    @Test
    void aClaimHeldIsBusyForOthersUntilItsLeaseRunsOutByTheGivenClock() {
        Claim first = claim(T0);
        assertEquals(Outcome.TAKEN, first.outcome());
        assertEquals(1, first.fromThisHour());
        assertEquals(Outcome.BUSY, claim(T0.plus(LEASE).minusMillis(1)).outcome());

        Claim second = claim(T0.plus(LEASE)); // the first try died: its lease ran out
        assertEquals(Outcome.TAKEN, second.outcome());
        assertEquals(1, second.fromThisHour(), "the message keeps the count its first try gave it");
        assertEquals(false, first.retry());
        assertEquals(true, second.retry(), "an earlier try may have stored its effect");
        assertEquals(1, counted(), "and is counted once");

        assertEquals(java.util.Optional.empty(), claims.finish(first, REMEMBER, reply()),
                "the try that was taken over queues nothing");
        assertEquals(0, OutboxStreams.length(redis));
        assertEquals(1, claims.finish(second, REMEMBER, reply()).orElseThrow().size());
        assertEquals(1, OutboxStreams.length(redis));
    }

    @Test
    void theDoneMarkIsWrittenWithTheRepliesAndEndsEveryLaterTry() {
        Claim first = claim(T0);
        List<OutboundMessage> queued = claims.finish(first, REMEMBER, reply()).orElseThrow();
        assertEquals(List.of(queued.get(0).id()), redis.lrange(Keys.sentTo(STAFF.value()), 0, -1));
        assertEquals("1", redis.get(Keys.once(KEY)));
        long ttl = redis.pttl(Keys.once(KEY));
        assertTrue(ttl > REMEMBER.minusMinutes(1).toMillis() && ttl <= REMEMBER.toMillis(), "kept two days: " + ttl);

        assertEquals(Outcome.DONE, claim(T0.plusSeconds(1)).outcome());
        assertEquals(Outcome.DONE, claim(T0.plus(Duration.ofDays(1))).outcome());
        assertEquals(1, counted());
    }

    @Test
    void noRepliesStillMarkTheMessageDone() {
        claims.finish(claim(T0), REMEMBER, List.of()).orElseThrow();
        assertEquals(Outcome.DONE, claim(T0.plusSeconds(1)).outcome());
        assertEquals(0, OutboxStreams.length(redis));
    }

    @Test
    void aReleasedClaimIsTakenAtOnceByTheRetryAndCountedOnce() {
        Claim first = claim(T0);
        claims.release(first);
        Claim retry = claim(T0.plusMillis(1));
        assertEquals(Outcome.TAKEN, retry.outcome());
        assertEquals(1, retry.fromThisHour());
        assertEquals(1, counted());
        claims.release(first); // late: the retry's claim is not the first try's to let go
        assertEquals(Outcome.BUSY, claim(T0.plusMillis(2)).outcome());
    }

    @Test
    void aMarkSetByANodeOfTheEarlierVersionReadsAsDone() {
        redis.set(Keys.once(KEY), "1");
        assertEquals(Outcome.DONE, claim(T0).outcome());
    }
}
