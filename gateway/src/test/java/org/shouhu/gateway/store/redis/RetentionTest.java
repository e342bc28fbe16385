package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Retention;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.model.Address;
import redis.clients.jedis.UnifiedJedis;

/** The daily retention job on a real Redis: a past season's data goes, the current season's stays. */
class RetentionTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final String SITE = "ZT0427";
    static final String GRANDMA = "+8613912345678";

    UnifiedJedis redis;
    SettableClock clock;
    RedisCareStore care;
    RedisSafetyStore safety;
    RedisRetention retention;

    @BeforeEach
    void fresh() {
        redis = TestRedis.fresh();
        clock = new SettableClock(at("2025-07-20"));
        care = new RedisCareStore(redis);
        safety = new RedisSafetyStore(redis, new RedisMessages(redis, clock));
        retention = new RedisRetention(redis, safety, new CareDay(clock, ZONE), new Retention(90));
        care.putSite(new Site(SITE, "永丰小学托管点", "昭阳区", LocalTime.of(8, 0), LocalTime.of(17, 30)));
        care.addChild(SITE, "王小明", List.of(new Guardian(new Address(GRANDMA), "奶奶")));
    }

    static java.time.Instant at(String date) {
        return LocalDate.parse(date).atTime(12, 0).atZone(ZONE).toInstant();
    }

    private static SiteSchedule season(int year) {
        return new SiteSchedule(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalDate.of(year, 7, 1),
                LocalDate.of(year, 8, 31), Set.of(), 30, 30);
    }

    private void dayRecord(String date) {
        care.putDayRecord(SITE, LocalDate.parse(date), new DayRecord("c1", ChildState.ARRIVED, LocalTime.of(8, 5), null, null, false));
    }

    /** A message record as the outbox writes it at its first outcome, and its place on the recipient's list. */
    private void message(String id, String to, String createdAt) {
        redis.hset(Keys.messages(id), id, "{\"to\":\"" + to + "\",\"template\":\"ARRIVAL\",\"params\":{\"child\":\"王小明\"},"
                + "\"kind\":\"ROUTINE\",\"createdAt\":\"" + createdAt + "\",\"status\":\"sent\",\"rank\":2,\"attempts\":1}");
        redis.lpush(Keys.sentTo(to), id);
    }

    @Test
    void aPastSeasonsDayRecordsLaddersAndMessagesGoAndTheCurrentSeasonsStay() {
        safety.putSchedule(SITE, season(2025));
        dayRecord("2025-07-15");
        message("m1", GRANDMA, "2025-07-15T00:05:00Z");
        String ladder = "NO_SHOW:" + SITE + ":2025-07-15:c1";
        redis.hset(Keys.ladder(ladder), "step", "2");
        redis.rpush(Keys.ladder(ladder) + ":log", "step 0");
        redis.zadd(Keys.siteLadders(SITE), LocalDate.parse("2025-07-15").toEpochDay(), ladder);
        redis.zadd(Keys.alertsSent(), at("2025-07-15").toEpochMilli(), "a-gone"); // its alert expired on its own
        redis.sadd(Keys.optOut(), "+8613600000009"); // a stranger who texted TD last summer, and got the answer
        message("m0", "+8613600000009", "2025-07-16T00:05:00Z");
        redis.sadd(Keys.optOut(), GRANDMA);
        assertEquals(new RedisRetention.Report(0, 0, 0, 0, 0, 0), retention.run(), "nothing is past during the season");

        clock.set(at("2026-07-15")); // a year on: the new season's schedule replaced last year's
        safety.putSchedule(SITE, season(2026));
        dayRecord("2026-07-14");
        message("m2", GRANDMA, "2026-07-14T00:05:00Z");
        RedisRetention.Report report = retention.run();

        assertFalse(redis.exists(Keys.day(SITE, LocalDate.parse("2025-07-15"))), "last season ended 2025-08-31: 90 days on, gone");
        assertTrue(redis.exists(Keys.day(SITE, LocalDate.parse("2026-07-14"))), "this season's day stays");
        assertFalse(redis.exists(Keys.ladder(ladder)) || redis.exists(Keys.ladder(ladder) + ":log"));
        assertFalse(redis.exists(Keys.siteLadders(SITE)) || redis.exists(Keys.alertsSent()), "reports' indexes of those days go too");
        assertEquals(List.of("m2"), redis.lrange(Keys.sentTo(GRANDMA), 0, -1));
        assertEquals(null, redis.hget(Keys.messages("m1"), "m1"));
        assertTrue(redis.hget(Keys.messages("m2"), "m2") != null);
        assertEquals(Set.of(GRANDMA), redis.smembers(Keys.optOut()), "a guardian's opt-out stays; a stranger's of last year goes");
        assertFalse(redis.exists(Keys.sentTo("+8613600000009")));
        assertEquals(new RedisRetention.Report(1, 1, 2, 1, 0, 1), report);
    }

    @Test
    void theJobRunsOnceADayAcrossNodes() {
        assertTrue(retention.runTodayOnce());
        assertFalse(new RedisRetention(redis, safety, new CareDay(clock, ZONE), new Retention(90)).runTodayOnce(),
                "another node the same day does nothing");
        clock.set(at("2025-07-21"));
        assertTrue(retention.runTodayOnce());
    }

    static Stream<Arguments> seasonEnds() {
        SiteSchedule season = season(2026);
        List<LocalDate> none = List.of();
        List<LocalDate> lastYear = List.of(LocalDate.of(2025, 8, 31));
        return Stream.of(
                Arguments.of("in the season: its end", season, none, "2026-07-15", "2026-08-31"),
                Arguments.of("after the season's end: the day itself", season, none, "2026-09-10", "2026-09-10"),
                Arguments.of("before the season, no end known: the day before it began", season, none, "2025-07-15", "2026-06-30"),
                Arguments.of("before the season, last end recorded", season, lastYear, "2025-07-15", "2025-08-31"),
                Arguments.of("open-ended schedule: the day itself", SiteSchedule.defaults(), none, "2026-07-15", "2026-07-15"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seasonEnds")
    void theSeasonEndOfADate(String why, SiteSchedule schedule, List<LocalDate> pastEnds, String date, String end) {
        assertEquals(LocalDate.parse(end), Retention.seasonEnd(schedule, pastEnds, LocalDate.parse(date)));
    }

    @Test
    void dataIsPastNinetyDaysAfterItsSeasonsEnd() {
        Retention r = new Retention(90);
        assertFalse(r.isPast(season(2026), LocalDate.of(2026, 7, 15), LocalDate.of(2026, 11, 29)), "the 90th day after the end");
        assertTrue(r.isPast(season(2026), LocalDate.of(2026, 7, 15), LocalDate.of(2026, 11, 30)));
    }
}
