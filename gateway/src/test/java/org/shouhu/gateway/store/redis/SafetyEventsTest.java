package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.routes.port.SafetyEvents.Lease.BUSY;
import static org.shouhu.routes.port.SafetyEvents.Lease.DONE;
import static org.shouhu.routes.port.SafetyEvents.Lease.OURS;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A timed event's lease runs out by the gateway's clock (no sleeping, no Redis TTL), a done mark is
 * final, a node gives back only its own lease, and an event's messages are queued once with its
 * done mark even when the reply is lost.
 */
class SafetyEventsTest {

    static final Instant NOW = Instant.parse("2026-07-15T09:00:00Z");
    static final Duration VISIBILITY = Duration.ofMinutes(2);
    static final String EVENT = "event:PICKUP_REMINDER:ZT0427:2026-07-15";
    static final Address GRANDMA = new Address("+8613900000001");

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisSafetyEvents node = events(redis);
    final RedisSafetyEvents other = events(redis);

    @Test
    void aLeaseIsOneNodesUntilItRunsOutByTheClock() {
        assertEquals(Map.of(EVENT, OURS), node.lease(List.of(EVENT), NOW, VISIBILITY));
        assertEquals(Map.of(EVENT, BUSY), other.lease(List.of(EVENT), NOW.plusSeconds(119), VISIBILITY));
        assertEquals(Map.of(EVENT, OURS), other.lease(List.of(EVENT), NOW.plusSeconds(121), VISIBILITY),
                "the first node died: its lease ran out");
        assertTrue(redis.pttl(Keys.once(EVENT)) > Duration.ofDays(2).toMillis(), "the key expires only to clean up");
    }

    @Test
    void aDoneEventIsNeverLeasedAgain() {
        node.lease(List.of(EVENT), NOW, VISIBILITY);
        node.finish(EVENT);
        assertEquals(Map.of(EVENT, DONE), other.lease(List.of(EVENT), NOW.plus(Duration.ofHours(5)), VISIBILITY));
        node.release(EVENT);
        assertEquals("done", redis.get(Keys.once(EVENT)), "a release never undoes a done mark");
    }

    @Test
    void aNodeGivesBackItsOwnLeaseOnly() {
        node.lease(List.of(EVENT), NOW, VISIBILITY);
        other.release(EVENT);
        assertEquals(Map.of(EVENT, BUSY), other.lease(List.of(EVENT), NOW, VISIBILITY));
        node.release(EVENT);
        assertEquals(Map.of(EVENT, OURS), other.lease(List.of(EVENT), NOW, VISIBILITY), "given back after a failure");
    }

    @Test
    void aLeaseTakenByANodeOfTheLastVersionCountsAsDone() {
        redis.set(Keys.once(EVENT), "1"); // SET NX for three days, before it fired
        assertEquals(Map.of(EVENT, DONE), node.lease(List.of(EVENT), NOW, VISIBILITY));
    }

    @Test
    void manyEventsAreLeasedInOneStep() {
        String other = "event:NO_SHOW_CHECK:ZT0427:2026-07-15";
        redis.set(Keys.once(other), "done");
        assertEquals(Map.of(EVENT, OURS, other, DONE), node.lease(List.of(EVENT, other), NOW, VISIBILITY));
    }

    @Test
    void anEventsMessagesWhoseReplyWasLostAreQueuedOnceAndTheEventIsDone() {
        node.lease(List.of(EVENT), NOW, VISIBILITY);
        try (UnifiedJedis replyLost = replyLost()) {
            assertThrows(JedisConnectionException.class, () -> events(replyLost).queueAndFinish(EVENT, reminders()));
        }
        assertEquals(2, OutboxStreams.length(redis), "Redis ran it");
        assertEquals("done", redis.get(Keys.once(EVENT)), "in the same transaction as the messages");

        assertEquals(Optional.empty(), other.queueAndFinish(EVENT, reminders()), "fired again: queued before");
        assertEquals(2, OutboxStreams.length(redis));
    }

    @Test
    void anEventsMessagesAndItsDoneMarkAreOneWrite() {
        node.lease(List.of(EVENT), NOW, VISIBILITY);
        redis.set(Keys.sentTo(GRANDMA.value()), "not a list"); // Redis refuses to queue
        assertThrows(RuntimeException.class, () -> node.queueAndFinish(EVENT, reminders()));
        assertEquals(0, OutboxStreams.length(redis));
        redis.del(Keys.sentTo(GRANDMA.value()));
        assertEquals(2, node.queueAndFinish(EVENT, reminders()).orElseThrow().size(), "queued when fired again");
        assertEquals(Map.of(EVENT, DONE), other.lease(List.of(EVENT), NOW.plus(Duration.ofHours(1)), VISIBILITY));
    }

    private static RedisSafetyEvents events(UnifiedJedis redis) {
        return new RedisSafetyEvents(redis, new RedisMessages(redis, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private static List<OutboundMessage> reminders() {
        return List.of(GRANDMA, new Address("+8613700000001")).stream()
                .map(to -> OutboundMessage.of(to, TemplateKey.PICKUP_REMINDER, Map.of("child", "王小明"), MessageClass.ROUTINE))
                .toList();
    }

    /** A client whose connection drops right after Redis ran a transaction's EXEC. */
    static UnifiedJedis replyLost() {
        return new UnifiedJedis(URI.create(TestRedis.url())) {
            @Override
            public AbstractTransaction transaction(boolean doMulti) {
                URI url = URI.create(TestRedis.url());
                Connection connection = new Connection(new HostAndPort(url.getHost(), url.getPort()),
                        DefaultJedisClientConfig.builder().password(JedisURIHelper.getPassword(url)).build());
                return new Transaction(connection, doMulti, true) {
                    @Override
                    public List<Object> exec() {
                        super.exec();
                        throw new JedisConnectionException("connection reset");
                    }
                };
            }
        };
    }
}
