package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Each ladder open and step is one write: it re-reads the child's day, records the step, queues
 * its messages once and sets the next due time; a claim is a visibility timeout, not a removal.
 */
class LadderStepsTest {

    static final Instant OPEN = Instant.parse("2026-07-15T00:30:00Z");
    static final Instant STEP = OPEN.plusSeconds(900);
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    static final Address GRANDMA = new Address("+8613900000001");
    static final Address CAPTAIN = new Address("+8613800000001");

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisSafetyStore store = store(redis);

    @Test
    void aClaimedLadderComesBackWhenItsClaimRunsOutNotBefore() {
        Ladder l = open(LadderKind.NO_SHOW, "c1");
        assertEquals(List.of(), store.claimDueLadders(STEP.minusSeconds(1), 10));
        assertEquals(List.of(l.id()), store.claimDueLadders(STEP, 10));
        assertEquals(List.of(), store.claimDueLadders(STEP.plusSeconds(119), 10), "claimed: someone is at it");
        assertEquals(List.of(l.id()), store.claimDueLadders(STEP.plusSeconds(120), 10), "its claimer died");
    }

    @Test
    void aLadderOpensAndQueuesItsMessagesOnce() {
        assertEquals(1, store.openLadder(ladder(LadderKind.NO_SHOW, "c1"), STEP, toGrandma()).orElseThrow().size());
        assertEquals(Optional.empty(), store.openLadder(ladder(LadderKind.NO_SHOW, "c1"), STEP, toGrandma()));
        assertEquals(1, OutboxStreams.length(redis));
        assertEquals(String.valueOf(STEP.toEpochMilli()), redis.hget(Keys.ladder(id(LadderKind.NO_SHOW, "c1")), "due"));
        assertTrue(redis.sismember(Keys.openLadders("ZT0427", DAY), id(LadderKind.NO_SHOW, "c1")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"NO_SHOW, ARRIVED|08:29|||0", "NO_SHOW, ABSENT||||0", "NO_SHOW, LEFT|08:10|08:20|爷爷|0",
            "OVERDUE, LEFT|08:05|17:40|奶奶|0", "OVERDUE, ARRIVED|08:05|||1", "OVERDUE, EXPECTED||||0"})
    void noLadderOpensForAChildWhoseDayNoLongerCallsForIt(LadderKind kind, String day) {
        redis.hset(Keys.day("ZT0427", DAY), "c1", day);
        assertEquals(Optional.empty(), store.openLadder(ladder(kind, "c1"), STEP, toGrandma()));
        assertEquals(0, OutboxStreams.length(redis));
        assertEquals(Optional.empty(), store.ladder(id(kind, "c1")));
        assertEquals(List.of(), store.claimDueLadders(STEP, 10));
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({"NO_SHOW, ARRIVED|08:40|||0, checked-in", "NO_SHOW, ABSENT||||0, absent",
            "OVERDUE, LEFT|08:05|17:40|奶奶|0, picked-up", "OVERDUE, ARRIVED|08:05|||1, escort"})
    void aStepForAChildWhoseDayChangedClosesTheLadderAndSendsNothing(LadderKind kind, String day, String reason) {
        if (kind == LadderKind.OVERDUE) {
            redis.hset(Keys.day("ZT0427", DAY), "c1", "ARRIVED|08:05|||0");
        }
        Ladder l = open(kind, "c1");
        redis.hset(Keys.day("ZT0427", DAY), "c1", day);
        assertEquals(Optional.empty(), store.stepLadder(l.id(), 1, STEP, "captain@" + STEP, STEP.plusSeconds(900), toCaptain()));
        assertEquals(1, OutboxStreams.length(redis), "only step 0's");
        Ladder closed = store.ladder(l.id()).orElseThrow();
        assertTrue(closed.closed());
        assertEquals(0, closed.step());
        assertEquals("closed:" + reason + "@" + STEP, closed.steps().get(closed.steps().size() - 1));
        assertFalse(redis.sismember(Keys.openLadders("ZT0427", DAY), l.id()));
        assertNull(redis.zscore(Keys.laddersDue(), l.id()));
    }

    @Test
    void aStepWhoseReplyWasLostIsNotTakenAgain() {
        Ladder l = open(LadderKind.NO_SHOW, "c1");
        try (UnifiedJedis replyLost = SafetyEventsTest.replyLost()) {
            assertThrows(JedisConnectionException.class, () -> store(replyLost).stepLadder(l.id(), 1, STEP,
                    "captain@" + STEP, STEP.plusSeconds(900), toCaptain()));
        }
        assertEquals(Optional.empty(), store.stepLadder(l.id(), 1, STEP, "captain@" + STEP, STEP.plusSeconds(900), toCaptain()));
        assertEquals(2, OutboxStreams.length(redis), "the guardian's and one captain's");
        assertEquals(List.of("guardians@" + OPEN, "captain@" + STEP), store.ladder(l.id()).orElseThrow().steps());
        assertEquals(STEP.plusSeconds(900).toEpochMilli(), redis.zscore(Keys.laddersDue(), l.id()).longValue());
    }

    @Test
    void aStepWhoseMessagesRedisRefusedIsNotRecordedAndIsTakenWhenTriedAgain() {
        Ladder l = open(LadderKind.NO_SHOW, "c1");
        redis.set(Keys.sentTo(CAPTAIN.value()), "not a list");
        assertThrows(RuntimeException.class, () -> store.stepLadder(l.id(), 1, STEP, "captain@" + STEP,
                STEP.plusSeconds(900), toCaptain()));
        assertEquals(0, store.ladder(l.id()).orElseThrow().step(), "no step recorded without its messages");
        redis.del(Keys.sentTo(CAPTAIN.value()));
        assertEquals(1, store.stepLadder(l.id(), 1, STEP, "captain@" + STEP, STEP.plusSeconds(900), toCaptain())
                .orElseThrow().size());
        assertEquals(List.of("guardians@" + OPEN, "captain@" + STEP), store.ladder(l.id()).orElseThrow().steps());
    }

    @Test
    void aStepNotYetDueIsLeftForItsTime() {
        Ladder l = open(LadderKind.NO_SHOW, "c1");
        store.claimDueLadders(STEP, 10);
        assertEquals(Optional.empty(), store.stepLadder(l.id(), 1, STEP.minusSeconds(60), "captain", STEP.plusSeconds(900),
                toCaptain()));
        assertEquals(1, OutboxStreams.length(redis));
        assertEquals(STEP.toEpochMilli(), redis.zscore(Keys.laddersDue(), l.id()).longValue(), "due again at its own time");
    }

    @Test
    void theLastStepClosesTheLadderAndTakesItOffTheDueSteps() {
        Ladder l = open(LadderKind.NO_SHOW, "c1");
        store.stepLadder(l.id(), 1, STEP, "captain@" + STEP, STEP.plusSeconds(900), toCaptain()).orElseThrow();
        store.stepLadder(l.id(), 2, STEP.plusSeconds(900), "coordinator", null, toCaptain()).orElseThrow();
        assertTrue(store.ladder(l.id()).orElseThrow().closed());
        assertNull(redis.zscore(Keys.laddersDue(), l.id()));
        assertEquals(Optional.empty(), store.stepLadder(l.id(), 2, STEP.plusSeconds(900), "coordinator", null, toCaptain()));
        assertEquals(3, OutboxStreams.length(redis));
    }

    private Ladder open(LadderKind kind, String child) {
        store.openLadder(ladder(kind, child), STEP, toGrandma()).orElseThrow();
        return ladder(kind, child);
    }

    private static Ladder ladder(LadderKind kind, String child) {
        return new Ladder("ZT0427", DAY, child, kind, 0, List.of("guardians@" + OPEN), false);
    }

    private static String id(LadderKind kind, String child) {
        return Ladder.id(kind, "ZT0427", DAY, child);
    }

    private static List<OutboundMessage> toGrandma() {
        return List.of(OutboundMessage.of(GRANDMA, TemplateKey.NO_SHOW_ALERT, Map.of("child", "王小明"), MessageClass.SAFETY));
    }

    private static List<OutboundMessage> toCaptain() {
        return List.of(OutboundMessage.of(CAPTAIN, TemplateKey.NO_SHOW_TO_CAPTAIN, Map.of("child", "王小明"), MessageClass.SAFETY));
    }

    private static RedisSafetyStore store(UnifiedJedis redis) {
        return new RedisSafetyStore(redis, new RedisMessages(redis, Clock.fixed(OPEN, ZoneOffset.UTC)));
    }
}
