package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Alert;
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
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.JedisURIHelper;

/** An alert's messages and its record are written together or not at all, and once per alert id, so firing it again never sends it twice. */
class AlertQueueingTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-15T09:35:00Z"), ZoneOffset.UTC);
    static final Address GRANDMA = new Address("+8613900000001");
    static final Address FATHER = new Address("+8613700000001");
    static final Alert ALERT = new Alert("a1", "site:ZT0427", "drowning", "不到河边玩水", CLOCK.instant(), 2);

    final UnifiedJedis redis = TestRedis.fresh();

    @Test
    void anAlertsMessagesAreQueuedWithItsRecord() {
        List<OutboundMessage> queued = store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()).orElseThrow();

        assertEquals(2, OutboxStreams.length(redis));
        assertEquals(queued.stream().map(OutboundMessage::id).toList(), redis.lrange(Keys.alertMessages("a1"), 0, -1));
        assertEquals("a1", redis.get(Keys.pendingAlert(GRANDMA.value())));
        assertEquals("a1", redis.get(Keys.pendingAlert(FATHER.value())));
        assertEquals("site:ZT0427", redis.hget(Keys.alert("a1"), "scope"));
    }

    @Test
    void anAlertWhoseWriteFailsLeavesNothingQueuedAndIsQueuedOnceWhenFiredAgain() {
        try (UnifiedJedis lostOnExec = connectionLost(false)) {
            assertThrows(JedisConnectionException.class,
                    () -> store(lostOnExec).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()));
        }
        assertEquals(Set.of(Keys.messageSeq(), Keys.messageBlocks()), redis.keys("sh:*"), "nothing queued, nothing recorded, only ids reserved");

        store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages());
        assertEquals(2, OutboxStreams.length(redis), "one message to each guardian");
    }

    @Test
    void anAlertWhoseReplyWasLostAfterRedisWroteItIsNotQueuedAgainWhenFiredAgain() {
        try (UnifiedJedis replyLost = connectionLost(true)) {
            assertThrows(JedisConnectionException.class,
                    () -> store(replyLost).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()));
        }
        assertEquals(2, OutboxStreams.length(redis), "Redis ran it");

        assertEquals(Optional.empty(), store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()),
                "fired again by the next sweep: already queued");
        assertEquals(2, OutboxStreams.length(redis), "still one message to each guardian");
        assertEquals(2, redis.llen(Keys.alertMessages("a1")));
    }

    @Test
    void anAlertIdIsQueuedOnceHoweverOftenItIsFired() {
        store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages());
        assertEquals(Optional.empty(), store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()));
        assertEquals(2, OutboxStreams.length(redis));
    }

    @Test
    void aCommandThatFailsInsideTheTransactionFailsTheAlertAndFiringItAgainQueuesIt() {
        redis.set(Keys.sentTo(GRANDMA.value()), "not a list"); // only a bug of ours could leave this

        assertThrows(JedisDataException.class, () -> store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()),
                "the sweep sees the failure and fires the alert again");
        assertEquals(0, OutboxStreams.length(redis), "nothing queued, though the rest of the transaction wrote the alert's record");

        redis.del(Keys.sentTo(GRANDMA.value()));
        assertEquals(2, store(redis).queueAlert(ALERT, List.of(GRANDMA, FATHER), messages()).orElseThrow().size(),
                "fired again, it is queued: the marker is set only with the messages");
        assertEquals(2, OutboxStreams.length(redis));
    }

    /** A client whose connection drops at EXEC: before Redis got it ({@code ran} false) or after Redis ran it. */
    private static UnifiedJedis connectionLost(boolean ran) {
        return new UnifiedJedis(URI.create(TestRedis.url())) {
            @Override
            public AbstractTransaction transaction(boolean doMulti) {
                URI url = URI.create(TestRedis.url());
                Connection connection = new Connection(new HostAndPort(url.getHost(), url.getPort()),
                        DefaultJedisClientConfig.builder().password(JedisURIHelper.getPassword(url)).build());
                return new Transaction(connection, doMulti, true) {
                    @Override
                    public List<Object> exec() {
                        if (ran) {
                            super.exec();
                        } else {
                            discard(); // what Redis does with a transaction whose EXEC never arrives
                        }
                        throw new JedisConnectionException("connection reset");
                    }
                };
            }
        };
    }

    private static RedisSafetyStore store(UnifiedJedis redis) {
        return new RedisSafetyStore(redis, new RedisMessages(redis, CLOCK));
    }

    private static List<OutboundMessage> messages() {
        return List.of(GRANDMA, FATHER).stream()
                .map(to -> OutboundMessage.of(to, TemplateKey.DROWNING_ALERT, Map.of("text", "不到河边玩水"), MessageClass.SAFETY))
                .toList();
    }
}
