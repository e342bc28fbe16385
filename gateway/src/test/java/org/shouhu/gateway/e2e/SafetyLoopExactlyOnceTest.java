package org.shouhu.gateway.e2e;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.store.redis.RedisCareStore;
import org.shouhu.gateway.store.redis.RedisMessages;
import org.shouhu.gateway.store.redis.RedisSafetyEvents;
import org.shouhu.gateway.store.redis.RedisSafetyStore;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;
import org.shouhu.routes.care.Alerts;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.EscalationLadders;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.SafetyService;
import org.shouhu.routes.care.SafetySettings;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyEvents;
import org.shouhu.routes.port.SafetyStore;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The safety loop fires exactly once, and never about a child who is present: a sweep that fails
 * or dies half-way is finished by the next one (here or on another node) with every message sent
 * once, and a check-in that lands while a ladder is opened or stepped stops it. A second node over
 * the same Redis — its ports wrapped so that a test can make it die, lose a reply or let a check-in
 * land between two of its calls — plays the node that fails; the test gateway is the one that
 * carries on.
 */
class SafetyLoopExactlyOnceTest {

    static final String SIG = "【守护托管】";
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    static final String NO_SHOW_C3 = SIG + "张小刚今天未到托管点。回1已在路上 回2今天不来";

    GatewayUnderTest gw;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("07:30");
        assertEquals(200, gw.admin("PUT", "/api/counties/昭阳区/coordinator",
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘主任\"}").statusCode());
    }

    @AfterEach
    void stop() {
        Failpoints.configure("");
        gw.close();
    }

    @Test
    void aNoShowCheckThatRedisFailsMidwayAlertsEveryGuardianOnceOnTheNextSweep() {
        gw.redis().set("sh:to:" + LI_GRANDMA, "not a list"); // Redis refuses the second child's alert
        gw.tick("08:30");
        List<Sms> sent = new ArrayList<>(gw.sent());
        gw.redis().del("sh:to:" + LI_GRANDMA);
        gw.tick("08:31");
        sent.addAll(gw.sent());
        assertEveryGuardianAlertedOnce(sent);
    }

    @Test
    void aNoShowCheckThatThrowsAfterTheFirstLadderAlertsEveryGuardianOnceOnTheNextSweep() {
        Failpoints.configure("safety.after-open=throw@1");
        gw.tick("08:30");
        List<Sms> sent = new ArrayList<>(gw.sent());
        assertTrue(sent.size() < 4, "the check stopped after the first child: " + sent);
        gw.tick("08:31");
        sent.addAll(gw.sent());
        assertEveryGuardianAlertedOnce(sent);
    }

    @Test
    void aNodeThatDiesAfterOpeningOneLadderLeavesTheRestToAnotherNodeAndNoOneHearsTwice() {
        AtomicBoolean dead = new AtomicBoolean();
        SafetyService dying = node((port, method, queued) -> {
            if (queued) {
                dead.set(true); // like kill -9 right after the first ladder's messages went into the outbox
            }
        }, dead);
        gw.at("08:30");
        try {
            dying.runDue();
        } catch (RuntimeException expected) { // what the sweep logs
        }
        assertTrue(dead.get());
        gw.gateway.drainOutbox();
        List<Sms> sent = new ArrayList<>(gw.sent());
        gw.tick("08:31"); // the other node's sweep: the dead node's lease still holds
        sent.addAll(gw.sent());
        gw.tick("08:33"); // its lease ran out
        sent.addAll(gw.sent());
        assertEveryGuardianAlertedOnce(sent);
    }

    @Test
    void aStepWhoseQueueingFailedIsTakenAgainAndTheCaptainHearsOncePerChild() {
        gw.tick("08:30");
        assertEquals(4, gw.sent().size());
        gw.redis().set("sh:to:" + CAPTAIN, "not a list"); // Redis refuses the captain's messages
        gw.tick("08:45");
        assertEquals(List.of(), gw.sent());
        gw.redis().del("sh:to:" + CAPTAIN);
        gw.tick("08:48");
        List<Sms> sent = gw.sent();
        assertEquals(3, to(sent, CAPTAIN).size(), "one SMS per child: " + sent);
        assertEquals(List.of(), to(sent, COORDINATOR), "the captain's step was taken again, not skipped");
        gw.tick("09:03");
        sent = gw.sent();
        assertEquals(3, to(sent, COORDINATOR).size(), sent.toString());
        assertEquals(List.of(), to(sent, CAPTAIN));
        for (String child : List.of(gw.childId(1), gw.childId(2), gw.childId(3))) {
            assertEquals(List.of("guardians", "captain", "coordinator"), ladder(child).steps().stream()
                    .map(s -> s.substring(0, s.indexOf('@'))).toList(), "each step recorded once");
        }
    }

    @Test
    void aNodeThatDiesWhileSteppingLeavesTheRestToAnotherNodeOnceTheirClaimsRunOut() {
        gw.tick("08:30");
        assertEquals(4, gw.sent().size());
        AtomicBoolean dead = new AtomicBoolean();
        SafetyService dying = node((port, method, queued) -> {
            if (queued) {
                dead.set(true); // killed right after the first of the three steps it claimed
            }
        }, dead);
        gw.at("08:45");
        try {
            dying.runDue();
        } catch (RuntimeException expected) { // what the sweep logs
        }
        assertTrue(dead.get());
        gw.gateway.drainOutbox();
        List<Sms> sent = new ArrayList<>(gw.sent());
        assertEquals(1, to(sent, CAPTAIN).size(), sent.toString());
        gw.tick("08:46"); // the dead node's claims still hold
        assertEquals(List.of(), gw.sent());
        gw.tick("08:47"); // they ran out
        sent.addAll(gw.sent());
        assertEquals(3, to(sent, CAPTAIN).size(), "one SMS per child: " + sent);
        assertEquals(3, sent.stream().map(Sms::body).distinct().count(), sent.toString());
        gw.tick("09:02");
        assertEquals(3, to(gw.sent(), COORDINATOR).size());
    }

    @Test
    void aBatchOfStepsCutShortByTheMidStepFailpointIsFinishedOnceByTheNextSweepAfterTheClaims() {
        gw.tick("08:30");
        gw.sent();
        Failpoints.configure("safety.mid-step=throw@1");
        gw.at("08:45");
        try {
            gw.gateway.runSafety();
        } catch (Failpoints.FailpointException expected) { // what the sweep logs
        }
        gw.gateway.drainOutbox();
        List<Sms> sent = new ArrayList<>(gw.sent());
        assertEquals(1, to(sent, CAPTAIN).size(), sent.toString());
        gw.tick("08:47");
        sent.addAll(gw.sent());
        assertEquals(3, to(sent, CAPTAIN).size(), sent.toString());
        assertEquals(3, sent.stream().map(Sms::body).distinct().count(), sent.toString());
    }

    @Test
    void aStepWhoseReplyWasLostIsNotSentAgainAndTheNextStepKeepsItsTime() {
        gw.tick("08:30");
        gw.sent();
        AtomicBoolean lost = new AtomicBoolean();
        SafetyService node = node((port, method, queued) -> {
            if (queued && lost.compareAndSet(false, true)) {
                throw new JedisConnectionException("connection reset"); // Redis took the step; the reply never came
            }
        }, new AtomicBoolean());
        gw.at("08:45");
        node.runDue();
        assertTrue(lost.get());
        gw.gateway.drainOutbox();
        List<Sms> sent = new ArrayList<>(gw.sent());
        gw.tick("08:46"); // the step is tried again: it was taken, and the next one is not due
        sent.addAll(gw.sent());
        gw.tick("08:48");
        sent.addAll(gw.sent());
        assertEquals(3, to(sent, CAPTAIN).size(), "one SMS per child: " + sent);
        assertEquals(List.of(), to(sent, COORDINATOR), "the coordinator's step keeps its time");
        gw.tick("09:00");
        sent = gw.sent();
        assertEquals(3, to(sent, COORDINATOR).size(), sent.toString());
        assertEquals(List.of(), to(sent, CAPTAIN));
    }

    @Test
    void aCheckInBetweenTheChecksReadAndTheLadderOpensNoLadderAndAlertsNoOne() throws Exception {
        AtomicBoolean landed = new AtomicBoolean();
        SafetyService node = node((port, method, queued) -> {
            if (method.equals("day") && landed.compareAndSet(false, true)) { // the check read the day: 3 not in
                assertEquals(200, gw.text(VOLUNTEER, "到 3"));
            }
        }, new AtomicBoolean());
        gw.at("08:30");
        node.runDue();
        assertTrue(landed.get());
        gw.gateway.drainOutbox();
        List<Sms> sent = gw.sent();
        assertFalse(to(sent, ZHANG_GRANDPA).contains(NO_SHOW_C3), "checked in before the ladder opened: " + sent);
        assertEquals(List.of(SIG + "王小明今天未到托管点。回1已在路上 回2今天不来"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "李小红今天未到托管点。回1已在路上 回2今天不来"), to(sent, LI_GRANDMA));

        gw.tick("08:45");
        sent = gw.sent();
        assertEquals(2, to(sent, CAPTAIN).size(), sent.toString());
        assertTrue(to(sent, CAPTAIN).stream().noneMatch(s -> s.contains("张小刚")), sent.toString());
        gw.tick("09:00");
        sent = gw.sent();
        assertEquals(2, to(sent, COORDINATOR).size(), sent.toString());
        assertTrue(to(sent, COORDINATOR).stream().noneMatch(s -> s.contains("张小刚")), sent.toString());
    }

    /**
     * A check-in stored whose closing of the child's ladder never happened (the node died between
     * the two, or the ladder opened just after the check-in looked): the next step reads the day.
     */
    @Test
    void aCheckInAfterTheGuardiansWereToldStopsTheLadderBeforeTheCaptain() {
        gw.tick("08:30");
        assertEquals(4, gw.sent().size());
        gw.redis().hset("sh:day:ZT0427:" + DAY, gw.childId(3), "ARRIVED|08:40|||0");
        gw.tick("08:45");
        List<Sms> sent = gw.sent();
        assertEquals(2, to(sent, CAPTAIN).size(), sent.toString());
        assertTrue(to(sent, CAPTAIN).stream().noneMatch(s -> s.contains("张小刚")), sent.toString());
        Ladder c3 = ladder(gw.childId(3));
        assertTrue(c3.closed());
        assertEquals("closed:checked-in@2026-07-15T00:45:00Z", c3.steps().get(c3.steps().size() - 1));
        gw.tick("09:00");
        assertTrue(to(gw.sent(), COORDINATOR).stream().noneMatch(s -> s.contains("张小刚")));
    }

    @Test
    void anOverdueLadderStopsOnceTheChildLeft() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1 2 3");
        gw.tick("17:45");
        gw.sent();
        gw.redis().hset("sh:day:ZT0427:" + DAY, gw.childId(3), "LEFT|08:05|17:50|爷爷|0");
        gw.tick("18:00");
        List<Sms> sent = gw.sent();
        assertEquals(2, to(sent, CAPTAIN).size(), sent.toString());
        assertTrue(to(sent, CAPTAIN).stream().noneMatch(s -> s.contains("张小刚")), sent.toString());
        Ladder c3 = gw.gateway.safetyStore().ladder(Ladder.id(LadderKind.OVERDUE, "ZT0427", DAY, gw.childId(3))).orElseThrow();
        assertTrue(c3.closed());
        assertEquals("closed:picked-up@2026-07-15T10:00:00Z", c3.steps().get(c3.steps().size() - 1));
    }

    @Test
    void pickUpRemindersWhoseQueueingReplyWasLostAreQueuedOnce() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1 2 3");
        gw.sent();
        AtomicBoolean lost = new AtomicBoolean();
        SafetyService node = node((port, method, queued) -> {
            if (queued && lost.compareAndSet(false, true)) {
                throw new JedisConnectionException("connection reset"); // Redis ran it; the reply never came
            }
        }, new AtomicBoolean());
        gw.at("17:00");
        node.runDue();
        assertTrue(lost.get());
        gw.tick("17:01"); // the next sweep, on the other node
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "请于17:30前到永丰小学托管点接王小明。不能来接回3"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "请于17:30前到永丰小学托管点接王小明。不能来接回3"), to(sent, WANG_FATHER));
        assertEquals(List.of(SIG + "请于17:30前到永丰小学托管点接李小红。不能来接回3"), to(sent, LI_GRANDMA));
        assertEquals(1, to(sent, ZHANG_GRANDPA).size());
        assertEquals(4, sent.size());
    }

    private void assertEveryGuardianAlertedOnce(List<Sms> sent) {
        assertEquals(List.of(SIG + "王小明今天未到托管点。回1已在路上 回2今天不来"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "王小明今天未到托管点。回1已在路上 回2今天不来"), to(sent, WANG_FATHER));
        assertEquals(List.of(SIG + "李小红今天未到托管点。回1已在路上 回2今天不来"), to(sent, LI_GRANDMA));
        assertEquals(List.of(NO_SHOW_C3), to(sent, ZHANG_GRANDPA));
        assertEquals(4, sent.size(), sent.toString());
    }

    private Ladder ladder(String childId) {
        return gw.gateway.safetyStore().ladder(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, childId)).orElseThrow();
    }

    /** What a wrapped port call did: which port and method, and whether messages went into the outbox during it. */
    interface Hook {
        void after(String port, String method, boolean queued) throws Exception;
    }

    /**
     * A second node's safety loop over the test gateway's Redis, its ports wrapped: {@code hook}
     * runs after each call (and may throw, as a lost reply would), and once {@code dead} is set
     * every call throws, as if the process were gone.
     */
    private SafetyService node(Hook hook, AtomicBoolean dead) {
        UnifiedJedis redis = gw.redis();
        CareDay day = new CareDay(gw.clock, GatewayUnderTest.ZONE);
        SafetySettings settings = SafetySettings.defaults();
        RedisMessages messages = new RedisMessages(redis, gw.clock);
        CareStore care = wrap(CareStore.class, new RedisCareStore(redis), hook, dead, redis);
        SafetyStore safety = wrap(SafetyStore.class, new RedisSafetyStore(redis, messages), hook, dead, redis);
        SafetyEvents events = wrap(SafetyEvents.class, new RedisSafetyEvents(redis, messages), hook, dead, redis);
        EscalationLadders ladders = new EscalationLadders(care, safety, settings, day);
        Alerts alerts = new Alerts(care, safety, day);
        return new SafetyService(care, safety, events, day, settings, ladders, alerts, null);
    }

    @SuppressWarnings("unchecked")
    private static <T> T wrap(Class<T> port, T target, Hook hook, AtomicBoolean dead, UnifiedJedis redis) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            if (dead.get()) {
                throw new JedisConnectionException("the node is gone");
            }
            long before = OutboxStreams.length(redis);
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            hook.after(port.getSimpleName(), method.getName(), OutboxStreams.length(redis) > before);
            return result;
        };
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, handler);
    }
}
