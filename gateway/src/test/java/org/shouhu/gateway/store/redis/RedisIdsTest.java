package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Ids never repeat, whatever Redis loses: the loss of the last second of AOF is simulated by
 * setting the counters back to what they were before (as an older AOF would restore them).
 */
class RedisIdsTest {

    private UnifiedJedis redis;

    @BeforeEach
    void setUp() {
        redis = TestRedis.fresh();
    }

    @Test
    void messageIdsHandedOutBeforeALostSecondAreNeverHandedOutAgain() {
        RedisMessages before = new RedisMessages(redis, Clock.systemUTC());
        before.enqueue(List.of(message("+8613912340001"))); // a block taken and written to the AOF
        String saved = redis.get(Keys.messageSeq());
        Set<String> handedOut = new HashSet<>(ids(before.enqueue(List.of(message("+8613912340002")))));
        RedisMessages lostBlockHolder = new RedisMessages(redis, Clock.systemUTC());
        handedOut.addAll(ids(lostBlockHolder.enqueue(List.of(message("+8613912340003"))))); // its block: in the lost second

        redis.set(Keys.messageSeq(), saved); // Redis came back from an AOF without that second
        awaitRedisClockPast(Long.parseLong(handedOut.stream().map(id -> id.substring(1)).max(String::compareTo).orElseThrow()) + 999);

        RedisMessages afterRestart = new RedisMessages(redis, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            for (String id : ids(afterRestart.enqueue(List.of(message("+8613912340004"), message("+8613912340005"))))) {
                assertTrue(handedOut.add(id), id + " was handed out twice");
            }
            for (String id : ids(lostBlockHolder.enqueue(List.of(message("+8613912340006"))))) { // still using its block
                assertTrue(handedOut.add(id), id + " was handed out twice");
            }
        }
    }

    @Test
    void aBlockOfMessageIdsFillsOneRecordHash() {
        RedisMessages node = new RedisMessages(redis, Clock.systemUTC());
        List<String> ids = ids(node.enqueue(List.of(message("+8613912340001"), message("+8613912340002"))));
        long first = Long.parseLong(ids.get(0).substring(1));
        assertEquals(0, first % 1000, "a block starts a record hash");
        assertEquals("m" + (first + 1), ids.get(1));
        assertEquals(first + 999, Long.parseLong(redis.get(Keys.messageSeq())), "the whole block is reserved");
        assertEquals(Keys.messages(ids.get(0)), Keys.messages(ids.get(1)));
    }

    @Test
    void aChildIdLostWithItsChildIsNeverGivenToAnotherChild() {
        RedisCareStore store = new RedisCareStore(redis);
        store.putSite(new Site("ZT0427", "永丰小学", "鲁甸县", LocalTime.of(8, 0), LocalTime.of(17, 0)));
        store.addChild("ZT0427", "王小明", List.of(new Guardian(new Address("+8613912340001"), "父亲")));
        String saved = redis.get(Keys.childSeq());
        Child lost = store.addChild("ZT0427", "李小红", List.of(new Guardian(new Address("+8613912340002"), "外婆")));
        // the second of AOF that held 李小红 is lost: her keys and the counter's step are gone
        redis.del(Keys.child(lost.id()), Keys.guardians(lost.id()), Keys.wards("+8613912340002"));
        redis.hdel(Keys.roster("ZT0427"), "2");
        redis.set(Keys.childSeq(), saved);
        redis.set(Keys.rosterSeq("ZT0427"), "1");

        Child next = new RedisCareStore(redis).addChild("ZT0427", "张小刚",
                List.of(new Guardian(new Address("+8613912340003"), "爷爷")));
        assertNotEquals(lost.id(), next.id(), "a cache still naming " + lost.id() + " must not find 张小刚's guardians");
        assertFalse(store.guardiansOf(next.id()).stream().anyMatch(g -> g.address().value().equals("+8613912340002")));
        assertTrue(Long.parseLong(next.id().substring(1)) > Long.parseLong(lost.id().substring(1)));
    }

    @Test
    void anImportTakesConsecutiveChildIdsPastEveryEarlierOne() {
        RedisIds ids = new RedisIds(redis);
        long first = ids.children(3);
        long next = ids.children(1);
        assertTrue(next >= first + 3, next + " after " + first);
        redis.set(Keys.childSeq(), "5"); // an older counter, from before ids were floored at Redis's clock
        assertTrue(ids.children(1) > next);
    }

    @Test
    void onlyIdsInAReservedBlockCountAsOurs() {
        redis.set(Keys.messageSeq(), "5000"); // the plain counter of an earlier version
        RedisIds ids = new RedisIds(redis);
        assertTrue(ids.messageIssued(4999), "an id the old counter gave out");
        assertFalse(ids.messageIssued(5001));
        long first = ids.messageBlock(1);
        long second = ids.messageBlock(2500);
        assertTrue(ids.messageIssued(first) && ids.messageIssued(first + 999));
        assertTrue(ids.messageIssued(second + 2999), "a reservation of three blocks");
        assertFalse(ids.messageIssued(second + 3000));
        assertFalse(ids.messageIssued(first - 1000), "below the counter, but never given out: ids are sparse");
    }

    /** Waits (about a millisecond) until Redis's clock is past {@code micros}: a restart from AOF takes far longer. */
    private void awaitRedisClockPast(long micros) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (redisMicros() <= micros) {
            assertTrue(System.nanoTime() < deadline, "Redis's clock stands still");
            Thread.onSpinWait();
        }
    }

    @SuppressWarnings("unchecked")
    private long redisMicros() {
        List<Object> time = (List<Object>) redis.sendCommand(Protocol.Command.TIME);
        return Long.parseLong(new String((byte[]) time.get(0), StandardCharsets.UTF_8)) * 1_000_000
                + Long.parseLong(new String((byte[]) time.get(1), StandardCharsets.UTF_8));
    }

    private static OutboundMessage message(String to) {
        return OutboundMessage.of(new Address(to), TemplateKey.ARRIVAL, Map.of("child", "王小明", "time", "08:05"),
                MessageClass.ROUTINE);
    }

    private static List<String> ids(List<OutboundMessage> queued) {
        return queued.stream().map(OutboundMessage::id).toList();
    }
}
