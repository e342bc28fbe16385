package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.OutboxStreams;
import org.shouhu.gateway.testing.FixedRatePacer;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.routes.port.Pacer;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Messages leave by urgency, not arrival: an escalation and a reply queued while a fan-out of a
 * thousand is going out are the next read; fan-outs alternate; two nodes share every lane and send
 * each message once; a retry goes back to its lane. The "provider" here is the batch handed on, in
 * the order a worker hands it, at a pacer's read size of {@value #SLOT_BATCH}.
 */
class OutboxLanesTest {

    static final int SLOT_BATCH = 10;

    final UnifiedJedis redis = TestRedis.fresh();
    final SettableClock clock = new SettableClock(Instant.parse("2026-07-15T03:00:00Z"));
    final RedisMessages messages = new RedisMessages(redis, clock);
    /** Each batch handed on, as the ids in it. */
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> templateOf = new java.util.concurrent.ConcurrentHashMap<>();

    /** A pacer whose read size is ten: what a provider sends in about one slot's time. */
    static final Pacer TEN_A_SLOT = new FixedRatePacer(10, SLOT_BATCH);

    OutboxWorker worker(String node, Consumer<List<OutboxEntry>> also) {
        NodeLiveness liveness = NodeLiveness.start(redis, node, Duration.ofMinutes(10), Duration.ofMinutes(10));
        return new OutboxWorker(redis, clock, batch -> {
            batches.add(batch.stream().map(OutboxEntry::id).toList());
            also.accept(batch);
        }, liveness, TEN_A_SLOT);
    }

    List<OutboundMessage> fanOut(String template, int n, int from) {
        List<OutboundMessage> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(OutboundMessage.of(new Address(String.format("+86139%08d", from + i)), TemplateKey.valueOf(template),
                    Map.of("text", "今天下午有雷雨"), TemplateKey.valueOf(template) == TemplateKey.NOTICE ? MessageClass.ROUTINE
                            : MessageClass.SAFETY));
        }
        List<OutboundMessage> queued = messages.enqueue(out);
        queued.forEach(m -> templateOf.put(m.id(), template));
        return queued;
    }

    OutboundMessage one(String to, TemplateKey key, MessageClass kind) {
        OutboundMessage m = messages.enqueue(List.of(OutboundMessage.of(new Address(to), key, Map.of(), kind))).get(0);
        templateOf.put(m.id(), key.name());
        return m;
    }

    List<String> sent() {
        return batches.stream().flatMap(List::stream).toList();
    }

    @Test
    void anEscalationAndAReplyQueuedDuringAFanOutOfAThousandGoNextWithinOneRead() {
        List<OutboundMessage> notice = fanOut("NOTICE", 1000, 0);
        OutboundMessage[] late = new OutboundMessage[2];
        OutboxWorker worker = worker("node-a", batch -> {
            if (batches.size() == 3) { // three reads of the fan-out have gone: a child is missing, a parent asks
                late[0] = one("+8613712340001", TemplateKey.NO_SHOW_ALERT, MessageClass.SAFETY);
                late[1] = one("+8613712340002", TemplateKey.HELP_GUARDIAN, MessageClass.REPLY);
            }
        });

        assertEquals(1002, worker.drain());

        List<String> sent = sent();
        assertEquals(late[0].id(), sent.get(3 * SLOT_BATCH), "the no-show alert is the very next read");
        assertEquals(late[1].id(), sent.get(3 * SLOT_BATCH + 1), "then the reply");
        assertEquals(List.of(late[0].id()), batches.get(3));
        assertEquals(notice.stream().map(OutboundMessage::id).toList(),
                sent.stream().filter(id -> "NOTICE".equals(templateOf.get(id))).toList(), "the fan-out, in order, once each");
        assertTrue(batches.stream().allMatch(b -> b.size() <= SLOT_BATCH), "reads of the pacer's size");
    }

    @Test
    void aHigherLaneWaitsFromWhenItIsQueuedUntilASenderHasReadIt() {
        RedisLaneWatch watch = new RedisLaneWatch(redis);
        fanOut("ALERT", 30, 0);
        assertFalse(watch.aheadOfBulk(Address.SMS), "a fan-out alone: nothing ahead of it");
        List<Boolean> seen = new ArrayList<>();
        OutboxWorker worker = worker("node-a", batch -> {
            if (batches.size() == 1) {
                one("+8613712340001", TemplateKey.NO_SHOW_ALERT, MessageClass.SAFETY);
            }
            seen.add(watch.aheadOfBulk(Address.SMS));
        });

        worker.drain();

        assertEquals(List.of(true, false), seen.subList(0, 2), "waiting once queued; not once its read has taken it");
        assertFalse(watch.aheadOfBulk("line"), "a channel without lanes");
    }

    @Test
    void twoFanOutsAlternateAndALaterOneStartsLevelWithTheOneGoing() {
        List<String> county = fanOut("ALERT", 300, 0).stream().map(OutboundMessage::id).toList();
        List<String> site = new ArrayList<>();
        OutboxWorker worker = worker("node-a", batch -> {
            if (batches.size() == 5) { // 50 of the county's alert are out when the site's captain sends a notice
                fanOut("NOTICE", 30, 5000).forEach(m -> site.add(m.id()));
            }
        });

        worker.drain();

        List<String> kinds = batches.stream().map(b -> templateOf.get(b.get(0))).toList();
        // the site's notice starts level with the county's 50 sent; a tie goes to the earlier fan-out
        assertEquals(List.of("ALERT", "ALERT", "ALERT", "ALERT", "ALERT", "ALERT", "NOTICE", "ALERT", "NOTICE", "ALERT", "NOTICE",
                "ALERT", "ALERT"), kinds.subList(0, 13), "they alternate until the site's 30 are out");
        assertTrue(batches.stream().allMatch(b -> b.stream().map(templateOf::get).distinct().count() == 1), "a read is one fan-out's");
        assertEquals(county, sent().stream().filter(county::contains).toList());
        assertEquals(site, sent().stream().filter(site::contains).toList());
        assertEquals(0L, redis.zcard(Keys.bulkGroups("sms")), "spent groups are gone");
        assertEquals(List.of(), OutboxStreams.streams(redis).stream().filter(s -> s.contains(":bulk:")).toList());
    }

    @Test
    void twoNodesShareEveryLaneAndSendEachMessageOnce() throws Exception {
        RedisMessages other = new RedisMessages(TestRedis.client(), clock);
        List<String> queued = new ArrayList<>();
        fanOut("ALERT", 400, 0).forEach(m -> queued.add(m.id()));
        other.enqueue(IntStream.range(0, 200).mapToObj(i -> OutboundMessage.of(new Address("telegram:" + (9000 + i)),
                TemplateKey.ARRIVAL, Map.of(), MessageClass.ROUTINE)).toList()).forEach(m -> queued.add(m.id()));
        fanOut("NOTICE", 100, 7000).forEach(m -> queued.add(m.id()));
        queued.add(one("+8613712340001", TemplateKey.OVERDUE_ALERT, MessageClass.SAFETY).id());
        OutboxWorker a = worker("node-a", batch -> { });
        OutboxWorker b = worker("node-b", batch -> { });

        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> drains = new ArrayList<>();
            for (OutboxWorker w : List.of(a, b)) {
                drains.add(two.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 3; i++) {
                        n += w.drain();
                    }
                    return n;
                }));
            }
            assertEquals(queued.size(), drains.get(0).get() + drains.get(1).get());
        } finally {
            two.shutdown();
        }

        List<String> sent = sent();
        assertEquals(queued.size(), sent.size(), "none twice");
        assertEquals(new java.util.HashSet<>(queued), new java.util.HashSet<>(sent), "none lost");
        assertEquals(0L, OutboxStreams.pending(redis));
    }

    @Test
    void aRetryGoesBackToItsLaneAndABulkRetryToAGroupOfItsMinute() {
        OutboundMessage alert = one("+8613712340001", TemplateKey.NO_SHOW_ALERT, MessageClass.SAFETY);
        OutboundMessage notice = fanOut("NOTICE", 1, 0).get(0);
        Instant at = clock.instant().plusSeconds(30);
        Map<String, Integer> tries = new HashMap<>();
        OutboxWorker worker = worker("node-a", batch -> batch.forEach(e -> {
            if (tries.merge(e.id(), 1, Integer::sum) == 1) { // the provider answered 503 the first time
                messages.retryAt(e.message(), "http-503", at);
            }
        }));

        assertEquals(2, worker.drain());
        assertEquals(Keys.lane("sms", Lane.URGENT), OutboxStreams.delayedTo(redis, alert.id()));
        String bulkRetry = Keys.bulkGroup("sms", "r" + at.toEpochMilli() / 60_000);
        assertEquals(bulkRetry, OutboxStreams.delayedTo(redis, notice.id()));
        assertEquals(0, worker.drain(), "not before it is due");

        clock.advance(Duration.ofSeconds(30));
        assertEquals(2, worker.moveDueRetries(), "both moved at once");
        assertEquals(List.of(alert.id()), redis.xrange(Keys.lane("sms", Lane.URGENT), "-", "+").stream()
                .map(e -> e.getFields().get("id")).toList(), "back on the urgent lane (what was sent is trimmed)");
        assertEquals(List.of(notice.id()), redis.xrange(bulkRetry, "-", "+").stream().map(e -> e.getFields().get("id")).toList());
        assertEquals(List.of("r" + at.toEpochMilli() / 60_000), redis.zrange(Keys.bulkGroups("sms"), 0, -1), "it joined the bulk groups");

        assertEquals(2, worker.drain());
        assertEquals(List.of(alert.id(), notice.id()), batches.subList(2, 4).stream().flatMap(List::stream).toList(),
                "each again, urgent first");
        assertNull(OutboxStreams.delayedUntil(redis, alert.id()));
    }

    @Test
    void whatANodeOfThePreviousVersionQueuedIsStillSent() {
        OutboundMessage m = OutboundMessage.of(new Address("+8613712340001"), TemplateKey.ARRIVAL, Map.of("child", "王小明"),
                MessageClass.ROUTINE).withId("m1796410929122003");
        redis.xgroupCreate(Keys.legacyOutbox(), OutboxWorker.GROUP, new StreamEntryID(0), true);
        redis.xadd(Keys.legacyOutbox(), StreamEntryID.NEW_ENTRY, Map.of("id", m.id(), "to", m.to().value(),
                "template", "ARRIVAL", "params", "{\"child\":\"王小明\"}", "kind", "ROUTINE", "createdAt", clock.instant().toString()));
        List<OutboxEntry> got = new ArrayList<>();
        OutboxWorker worker = worker("node-a", got::addAll);

        assertEquals(1, worker.drain());

        assertEquals(m.id(), got.get(0).id());
        assertEquals(Map.of("child", "王小明"), got.get(0).message().params());
        assertTrue(got.get(0).isFirstDelivery());
    }
}
