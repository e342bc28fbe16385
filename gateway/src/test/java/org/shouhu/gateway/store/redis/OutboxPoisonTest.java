package org.shouhu.gateway.store.redis;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;

/** One outbox entry the route fails on every time: the rest of its batch goes, and it is dead-lettered after five deliveries. */
class OutboxPoisonTest {

    final UnifiedJedis redis = TestRedis.fresh();
    final SettableClock clock = new SettableClock(Instant.parse("2026-07-15T01:00:00Z"));
    final RedisMessages messages = new RedisMessages(redis, clock);
    final List<String> handled = new ArrayList<>();
    String poison;

    final OutboxWorker worker = new OutboxWorker(redis, clock, batch -> {
        if (batch.stream().anyMatch(e -> e.id().equals(poison))) {
            throw new IllegalStateException("cannot render +8613912340003's message");
        }
        batch.stream().map(OutboxEntry::id).forEach(handled::add);
    }, "node");

    @Test
    void thePoisonHoldsUpNoOtherEntryAndIsDeadLetteredAfterFiveDeliveries() {
        List<OutboundMessage> queued = messages.enqueue(List.of(help("+8613912340001"), help("+8613912340003"),
                help("+8613912340005")));
        poison = queued.get(1).id();

        assertEquals(2, worker.drain());
        assertEquals(List.of(queued.get(0).id(), queued.get(2).id()), handled, "the others went, each alone");
        for (int delivery = 2; delivery <= 5; delivery++) {
            idleForTenMinutes();
            assertEquals(0, worker.drain());
            assertEquals(1L, OutboxStreams.pending(redis));
        }
        idleForTenMinutes();
        worker.drain();

        assertEquals(0L, OutboxStreams.pending(redis), "acknowledged: never claimed again");
        List<Map<String, Object>> letters = new DeadLetters(redis).list();
        assertEquals(1, letters.size());
        assertEquals(poison, letters.get(0).get("id"));
        assertEquals("139****0003", letters.get(0).get("to"));
        assertEquals("IllegalStateException: cannot render 139****0003's message", letters.get(0).get("reason"));
        assertEquals(Map.of(), redis.hgetAll(Keys.outboxFailures()), "the note moved into the dead letter");
    }

    @Test
    void aBatchStillSendingKeepsItsEntriesFromBeingClaimedByAnotherNode() throws Exception {
        List<Long> idleWhileSending = new ArrayList<>();
        OutboxWorker slow = new OutboxWorker(redis, clock, batch -> {
            // the batch has been going ten minutes (a stalled node): another node could claim its entries now …
            idleForTenMinutes();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            long idle;
            do { // … until this worker renews its claim
                idle = pendingIdleMillis();
            } while (idle >= OutboxWorker.CLAIM_IDLE.toMillis() && System.nanoTime() < deadline && pause());
            idleWhileSending.add(idle);
        }, "slow", java.time.Duration.ofMillis(100));
        messages.enqueue(List.of(help("+8613912340001")));

        assertEquals(1, slow.drain());

        assertEquals(1, idleWhileSending.size());
        assertTrue(idleWhileSending.get(0) < OutboxWorker.CLAIM_IDLE.toMillis(),
                "its claim was renewed while it sent: idle " + idleWhileSending.get(0) + " ms");
        assertEquals(1L, redis.xinfoGroups(Keys.lane("sms", Lane.REPLY)).get(0).getConsumers(), "nobody else took it");
    }

    private long pendingIdleMillis() {
        return redis.xpending(Keys.lane("sms", Lane.REPLY), OutboxWorker.GROUP, XPendingParams.xPendingParams()
                .start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID).count(10)).get(0).getIdleTime();
    }

    private static boolean pause() {
        Thread.onSpinWait();
        return true;
    }

    private static OutboundMessage help(String to) {
        return OutboundMessage.of(new Address(to), TemplateKey.HELP_GUARDIAN, Map.of(), MessageClass.REPLY);
    }

    private void idleForTenMinutes() {
        OutboxStreams.idle(redis, 600_000);
    }
}
