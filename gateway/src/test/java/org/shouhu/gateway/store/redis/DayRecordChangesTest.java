package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore.DayChange;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** The compare-and-set of day records in Redis: a change is stored only over the record it was computed from. */
class DayRecordChangesTest {

    static final LocalDate TODAY = LocalDate.of(2026, 7, 15);
    static final DayRecord EXPECTED = DayRecord.expected("c1");
    static final DayRecord ARRIVED = EXPECTED.arrived(LocalTime.of(8, 5));
    static final DayRecord ABSENT = EXPECTED.absent();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-15T00:05:00Z"), ZoneOffset.UTC);

    static DayRecord named(String name) {
        return switch (name) {
            case "none" -> null;
            case "arrived" -> ARRIVED;
            case "absent" -> ABSENT;
            case "left" -> ARRIVED.left(LocalTime.of(16, 40), "奶奶");
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "stored {0}, read {1}: applied {2}")
    @CsvSource({
        "none,    none,    true",
        "absent,  none,    false",
        "absent,  absent,  true",
        "arrived, absent,  false",
        "left,    arrived, false",
        "arrived, arrived, true"})
    void aChangeIsStoredOnlyOverTheRecordItWasComputedFrom(String stored, String read, boolean applied) {
        RedisCareStore care = new RedisCareStore(TestRedis.fresh());
        if (named(stored) != null) {
            care.putDayRecord("ZT0427", TODAY, named(stored));
        }
        DayRecord after = ARRIVED.withEscort();
        Set<String> changed = care.changeDayRecords("ZT0427", TODAY, List.of(new DayChange(named(read), after)));
        assertEquals(applied ? Set.of("c1") : Set.of(), changed);
        DayRecord now = care.dayRecord("ZT0427", TODAY, "c1").orElse(null);
        assertEquals(applied ? after : named(stored), now);
    }

    @ParameterizedTest(name = "{0} children in one step")
    @CsvSource({"1", "20", "300"})
    void manyChildrenChangeInOneStep(int n) {
        RedisCareStore care = new RedisCareStore(TestRedis.fresh());
        List<DayChange> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            changes.add(new DayChange(null, DayRecord.expected("c" + i).arrived(LocalTime.of(8, 5))));
        }
        assertEquals(n, care.changeDayRecords("ZT0427", TODAY, changes).size());
        assertEquals(n, care.day("ZT0427", TODAY).size());
    }

    static OutboundMessage arrival(String to, String child) {
        return OutboundMessage.of(new Address(to), TemplateKey.ARRIVAL,
                Map.of("child", child, "time", "08:05", "site", "永丰小学托管点"), MessageClass.ROUTINE);
    }

    @Test
    void theNoticesOfEachChangeAppliedAreQueuedInTheSameStepAndThoseOfAChangeNotAppliedAreNot() {
        UnifiedJedis redis = TestRedis.fresh();
        RedisCareStore care = new RedisCareStore(redis, new RedisMessages(redis, CLOCK));
        care.putDayRecord("ZT0427", TODAY, DayRecord.expected("c2").absent()); // changed since it was read
        Set<String> changed = care.changeDayRecords("ZT0427", TODAY, List.of(
                new DayChange(null, ARRIVED, List.of(arrival("+8613912345678", "王小明"), arrival("+8613712340000", "王小明"))),
                new DayChange(null, DayRecord.expected("c2").arrived(LocalTime.of(8, 5)), List.of(arrival("+8613912340002", "李小红"))),
                new DayChange(null, DayRecord.expected("c3").arrived(LocalTime.of(8, 5)))));
        assertEquals(Set.of("c1", "c3"), changed);
        List<String> to = OutboxStreams.entries(redis).stream().map(e -> e.getFields().get("to")).toList();
        assertEquals(List.of("+8613912345678", "+8613712340000"), to);
        assertEquals(1, redis.llen(Keys.sentTo("+8613912345678")));
        assertEquals(0, redis.llen(Keys.sentTo("+8613912340002")));
    }

    @Test
    void aChangeWhoseNoticesCannotBeQueuedIsNotStoredEither() {
        UnifiedJedis redis = TestRedis.fresh();
        RedisCareStore care = new RedisCareStore(redis, new RedisMessages(redis, CLOCK));
        redis.set(Keys.lane("sms", org.shouhu.routes.model.Lane.CONFIRM), "not a stream"); // any error inside the script
        assertThrows(JedisDataException.class, () -> care.changeDayRecords("ZT0427", TODAY,
                List.of(new DayChange(null, ARRIVED, List.of(arrival("+8613912345678", "王小明"))))));
        assertEquals(java.util.Optional.empty(), care.dayRecord("ZT0427", TODAY, "c1"), "the retry finds the child expected");
    }
}
