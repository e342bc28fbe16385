package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.shouhu.routes.port.SafetyEvents.Lease.BUSY;
import static org.shouhu.routes.port.SafetyEvents.Lease.OURS;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;

/**
 * What a node holds — outbox entries it read, event leases, ladder claims — is taken over at once
 * by another node when the holder's liveness key is gone (killed: its key lapsed; or a clean stop),
 * and never while the holder is alive. The clock does not move: no timeout helps here.
 */
class NodeLivenessTest {

    static final Instant NOW = Instant.parse("2026-07-15T09:00:00Z");
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    /** Beats rarely: the tests decide when a node dies by deleting its key, as its TTL would. */
    static final Duration EVERY = Duration.ofMinutes(10);

    final UnifiedJedis redis = TestRedis.fresh();
    final SettableClock clock = new SettableClock(NOW);
    final RedisMessages messages = new RedisMessages(redis, clock);
    final NodeLiveness a = NodeLiveness.start(redis, "node-a", Duration.ofMinutes(10), EVERY);
    final NodeLiveness b = NodeLiveness.start(redis, "node-b", Duration.ofMinutes(10), EVERY);
    final List<String> sentByB = new ArrayList<>();

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void aKeyLivesByItsTtlAndIsDeletedOnACleanStop() throws Exception {
        NodeLiveness shortLived = NodeLiveness.start(redis, "node-c", Duration.ofMillis(300), Duration.ofMinutes(10));
        assertEquals(shortLived.incarnation(), redis.get(Keys.node("node-c")));
        // liveness is real time by design: a node that stops beating is gone after its TTL
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (redis.exists(Keys.node("node-c")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(redis.exists(Keys.node("node-c")), "no beat, no key");
        a.close();
        assertNull(redis.get(Keys.node("node-a")), "a clean stop deletes the key");
        shortLived.close();
    }

    @Test
    void aDeadNodesPendingEntriesAreClaimedAtOnceAndSent() {
        OutboxWorker workerA = new OutboxWorker(redis, clock, batch -> {
            throw new IllegalStateException("killed mid-batch");
        }, a);
        OutboxWorker workerB = new OutboxWorker(redis, clock, batch -> batch.stream().map(OutboxEntry::id).forEach(sentByB::add), b);
        List<OutboundMessage> queued = messages.enqueue(List.of(help("+8613912340001"), help("+8613912340003")));
        workerA.drain(); // read, never acknowledged: node A dies with them pending
        idle(Duration.ofSeconds(6)); // read a few seconds before the kill
        redis.del(Keys.node("node-a")); // its key lapsed

        assertEquals(2, workerB.drain());

        assertEquals(queued.stream().map(OutboundMessage::id).toList(), sentByB);
        assertEquals(0L, OutboxStreams.pending(redis), "acknowledged by B");
    }

    @Test
    void aLiveNodesPendingEntriesAreNotTaken() {
        OutboxWorker workerA = new OutboxWorker(redis, clock, batch -> {
            throw new IllegalStateException("still sending, slowly");
        }, a);
        OutboxWorker workerB = new OutboxWorker(redis, clock, batch -> batch.stream().map(OutboxEntry::id).forEach(sentByB::add), b);
        messages.enqueue(List.of(help("+8613912340001")));
        workerA.drain();
        idle(Duration.ofSeconds(60));

        assertEquals(0, workerB.drain());
        assertEquals(List.of(), sentByB);
        assertEquals(1L, OutboxStreams.pending(redis));
    }

    @Test
    void anEntryJustReadByADeadNodeWaitsAFewSeconds() {
        OutboxWorker workerA = new OutboxWorker(redis, clock, batch -> {
            throw new IllegalStateException("killed");
        }, a);
        OutboxWorker workerB = new OutboxWorker(redis, clock, batch -> batch.stream().map(OutboxEntry::id).forEach(sentByB::add), b);
        messages.enqueue(List.of(help("+8613912340001")));
        workerA.drain();
        redis.del(Keys.node("node-a"));

        assertEquals(0, workerB.drain(), "idle under " + OutboxWorker.DEAD_MIN_IDLE + ": perhaps a node whose key lapsed in a pause");
    }

    @Test
    void anEventLeaseOfADeadNodeIsTakenAtOnce() {
        String event = "event:NO_SHOW:ZT0427:2026-07-15";
        RedisSafetyEvents onA = new RedisSafetyEvents(redis, messages, a);
        RedisSafetyEvents onB = new RedisSafetyEvents(redis, messages, b);
        assertEquals(Map.of(event, OURS), onA.lease(List.of(event), NOW, Duration.ofMinutes(2)));
        assertEquals(Map.of(event, BUSY), onB.lease(List.of(event), NOW.plusSeconds(1), Duration.ofMinutes(2)), "A lives");

        redis.del(Keys.node("node-a"));

        assertEquals(Map.of(event, OURS), onB.lease(List.of(event), NOW.plusSeconds(2), Duration.ofMinutes(2)), "A died");
        assertEquals(Map.of(event, BUSY), onA.lease(List.of(event), NOW.plusSeconds(3), Duration.ofMinutes(2)), "B lives");
    }

    @Test
    void aLadderClaimOfADeadNodeIsTakenAtOnceAndALiveOnesIsNot() {
        RedisSafetyStore onA = new RedisSafetyStore(redis, new RedisMessages(redis, Clock.fixed(NOW, ZoneOffset.UTC)), a);
        RedisSafetyStore onB = new RedisSafetyStore(redis, new RedisMessages(redis, Clock.fixed(NOW, ZoneOffset.UTC)), b);
        Ladder ladder = new Ladder("ZT0427", DAY, "c1", LadderKind.NO_SHOW, 0, List.of("guardians@" + NOW), false);
        Instant step = NOW.plusSeconds(900);
        onA.openLadder(ladder, step, List.of(OutboundMessage.of(new Address("+8613900000001"), TemplateKey.NO_SHOW_ALERT,
                Map.of("child", "王小明"), MessageClass.SAFETY))).orElseThrow();

        assertEquals(List.of(ladder.id()), onA.claimDueLadders(step, 10));
        assertEquals(List.of(), onB.claimDueLadders(step.plusSeconds(1), 10), "A lives and is at it");

        redis.del(Keys.node("node-a"));

        assertEquals(List.of(ladder.id()), onB.claimDueLadders(step.plusSeconds(2), 10), "A died: B takes it at once");
        assertEquals(List.of(), onA.claimDueLadders(step.plusSeconds(3), 10), "B's claim stands");
    }

    private void idle(Duration idle) {
        OutboxStreams.idle(redis, idle.toMillis());
    }

    private static OutboundMessage help(String to) {
        return OutboundMessage.of(new Address(to), TemplateKey.HELP_GUARDIAN, Map.of(), MessageClass.REPLY);
    }
}
