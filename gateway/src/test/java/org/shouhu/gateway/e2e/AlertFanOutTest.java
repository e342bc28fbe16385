package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.store.redis.NodeLiveness;
import org.shouhu.gateway.store.redis.RedisMessageTally;
import org.shouhu.gateway.store.redis.RedisSafetyStore;
import org.shouhu.gateway.testing.FixedRatePacer;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;
import org.shouhu.routes.care.AlertProgress;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.Pacer;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A coordinator's alert and a staff broadcast are answered before their messages are queued: the
 * answer waits only for the alert and its job (one write); the job is expanded when a node claims
 * it — here when the test drives it — exactly once, by another node if the first died; and the
 * progress (state, counts, finish estimate) reads what Redis holds.
 */
class AlertFanOutTest {

    static final String SIG = "【守护托管】";
    static final String ALERT = "{\"scope\":\"county:昭阳区\",\"text\":\"山洪预警，今晚不要去河边。\",\"requestId\":\"console-0001abcd\"}";
    static final String ID = "a-req-console-0001abcd";

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("10:00");
        gw.sent();
    }

    @AfterEach
    void stop() {
        Failpoints.configure("");
        gw.close();
    }

    private JsonNode get(String id) throws Exception {
        var response = gw.admin("GET", "/api/alerts/" + id, null);
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    /** What the outbox holds now: each entry's recipient and template. */
    private List<String> outbox() {
        List<StreamEntry> entries = org.shouhu.gateway.testing.OutboxStreams.entries(gw.redis());
        return entries.stream().map(e -> e.getFields().get("to") + " " + e.getFields().get("template")).toList();
    }

    @Test
    void thePostIsAnsweredBeforeAnyMessageIsQueuedAndTheJobQueuesThemOnce() throws Exception {
        var response = gw.admin("POST", "/api/alerts", ALERT);
        assertEquals(201, response.statusCode(), response.body());
        JsonNode answer = json.readTree(response.body());
        assertEquals(ID, answer.get("id").asText());
        assertEquals("pending", answer.get("state").asText());
        assertTrue(answer.get("recipients").isNull(), "not yet worked out: " + answer);
        assertEquals(List.of(), outbox(), "nothing queued before the answer");
        assertNotNull(gw.redis().zscore("sh:alerts:pending", ID), "the job is written with the alert");

        assertEquals(1, gw.gateway.expandAlerts());
        assertEquals(4, outbox().size());
        assertNull(gw.redis().zscore("sh:alerts:pending", ID), "its done mark is in the write that queued the messages");
        JsonNode sending = get(ID);
        assertEquals("sending", sending.get("state").asText());
        assertEquals(4, sending.get("recipients").asInt());
        assertEquals(4, sending.get("queued").asInt());
        assertEquals(gw.clock.instant().toString(), sending.get("finishEstimate").asText(), "unpaced: due now");

        assertEquals(0, gw.gateway.expandAlerts(), "expanded once");
        gw.gateway.drainOutbox();
        List<Sms> sent = gw.sent();
        assertEquals(4, sent.size());
        assertEquals(List.of(SIG + "山洪预警，今晚不要去河边。 回1收到"), to(sent, WANG_GRANDMA));
        JsonNode done = get(ID);
        assertEquals("done", done.get("state").asText());
        assertEquals(0, done.get("queued").asInt());
        assertEquals(4, done.get("sent").asInt());
        assertTrue(done.get("finishEstimate").isNull());

        gw.redis().zadd("sh:alerts:pending", 0, ID); // the job comes back (a retry that thought its done mark lost)
        assertEquals(0, gw.gateway.expandAlerts());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent(), "a retry never doubles");
        assertNull(gw.redis().zscore("sh:alerts:pending", ID), "and the job is gone again");
    }

    @Test
    void aJobWhoseNodeDiedIsExpandedByAnotherAtOnce() throws Exception {
        assertEquals(201, gw.admin("POST", "/api/alerts", ALERT).statusCode());
        NodeLiveness ghost = NodeLiveness.start(gw.redis(), "ghost");
        RedisSafetyStore ghostStore = new RedisSafetyStore(gw.redis(), gw.gateway.messages(), ghost);
        assertEquals(List.of(ID), ghostStore.claimAlertJobs(gw.clock.instant(), 10));
        assertEquals(0, gw.gateway.expandAlerts(), "held by a live node: not taken");
        assertEquals(List.of(), outbox());

        ghost.close(); // that node is gone (its liveness key with it) before it queued anything
        assertEquals(1, gw.gateway.expandAlerts(), "taken at once, without waiting for the claim to run out");
        gw.gateway.drainOutbox();
        List<Sms> sent = gw.sent();
        assertEquals(4, sent.size());
        assertEquals(4, sent.stream().map(Sms::to).distinct().count(), "each guardian once");
    }

    @Test
    void aJobWhoseClaimRanOutIsExpandedByAnother() throws Exception {
        assertEquals(201, gw.admin("POST", "/api/alerts", ALERT).statusCode());
        RedisSafetyStore stalled = new RedisSafetyStore(gw.redis(), gw.gateway.messages()); // its claims carry no node
        assertEquals(List.of(ID), stalled.claimAlertJobs(gw.clock.instant(), 10));
        gw.clock.advance(Duration.ofSeconds(119));
        assertEquals(0, gw.gateway.expandAlerts(), "claimed for two minutes");
        gw.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, gw.gateway.expandAlerts());
        assertEquals(0, gw.gateway.expandAlerts());
        gw.gateway.drainOutbox();
        assertEquals(4, gw.sent().size());
    }

    @Test
    void theFinishEstimateFollowsThePacersRateAndTheCountsFollowTheReports() throws Exception {
        Pacer twoASecond = new FixedRatePacer(2.0, 1);
        AlertProgress progress = new AlertProgress(gw.gateway.safetyStore(), new RedisMessageTally(gw.redis()),
                twoASecond, gw.clock);
        assertEquals(201, gw.admin("POST", "/api/alerts", ALERT).statusCode());
        AlertProgress.Progress pending = progress.of(ID).orElseThrow();
        assertEquals(AlertProgress.State.PENDING, pending.state());
        assertNull(pending.finishEstimate());

        gw.gateway.expandAlerts();
        AlertProgress.Progress sending = progress.of(ID).orElseThrow();
        assertEquals(AlertProgress.State.SENDING, sending.state());
        assertEquals(4, sending.queued());
        assertEquals(gw.clock.instant().plusSeconds(2), sending.finishEstimate(), "4 SMS at 2 a second");

        gw.gateway.drainOutbox();
        gw.sent();
        List<StoredMessage> records = gw.gateway.messages().loadAll(gw.gateway.safetyStore().alertMessageIds(ID));
        assertEquals(200, gw.status(records.get(0), "delivered"));
        assertEquals(200, gw.status(records.get(1), "undelivered"));
        AlertProgress.Progress done = progress.of(ID).orElseThrow();
        assertEquals(AlertProgress.State.DONE, done.state());
        assertEquals(List.of(0, 2, 1, 1), List.of(done.queued(), done.sent(), done.delivered(), done.failed()));
        JsonNode view = get(ID);
        assertEquals(1, view.get("delivered").asInt());
        assertEquals(1, view.get("failed").asInt());
    }

    @Test
    void aStaffBroadcastIsAnsweredAtOnceAndMissingStillAnswersWhileItWaits() throws Exception {
        gw.textOnly(CAPTAIN, "通知 明天下雨，请8点前送到");
        assertEquals(List.of(CAPTAIN + " NOTICE_SENT"), outbox(),
                "the reply is the only message the command queued, however many guardians the site has");
        gw.textOnly(CAPTAIN, "未到");
        gw.textOnly(CAPTAIN, "进度");
        assertEquals(List.of(CAPTAIN + " NOTICE_SENT", CAPTAIN + " MISSING_LIST", CAPTAIN + " NOTICE_PROGRESS"), outbox(),
                "未到 is answered while the broadcast is not yet even expanded");

        gw.gateway.drainOutbox();
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已开始发送4条，约1分钟内发完。回进度查看", SIG + "未到3人：1王小明 2李小红 3张小刚",
                SIG + "通知4条：已发0。剩4条，约1分钟内发完。"), to(sent, CAPTAIN));
        assertEquals(List.of(SIG + "永丰小学托管点通知：明天下雨，请8点前送到"), to(sent, WANG_GRANDMA));
        assertEquals(7, sent.size());

        gw.text(CAPTAIN, "通知进度");
        assertEquals(List.of(SIG + "通知4条：已发4。全部发完了。"), to(gw.sent(), CAPTAIN));
        String id = gw.redis().get("sh:site:ZT0427:broadcast");
        StoredMessage first = gw.gateway.messages().loadAll(gw.gateway.safetyStore().alertMessageIds(id)).get(0);
        assertEquals(200, gw.status(first, "delivered"));
        gw.text(CAPTAIN, "TZJD");
        assertEquals(List.of(SIG + "通知4条：已发4，送达1。全部发完了。"), to(gw.sent(), CAPTAIN));
        JsonNode view = get(id);
        assertEquals("notice", view.get("kind").asText());
        assertEquals(1, view.get("delivered").asInt());
    }

    @Test
    void aBroadcastIsNotAcknowledgedByTheNextOne() throws Exception {
        gw.text(CAPTAIN, "通知 明天放假");
        gw.sent();
        assertNull(gw.redis().get("sh:alert-pending:" + LI_GRANDMA), "a notice leaves a guardian's 1 to the alerts");
    }

    @Test
    void aBroadcastWhoseFirstTryFailedAfterItStartedIsStartedOnce() throws Exception {
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(CAPTAIN, "通知 明天放假", "SMbroadcast0000000000000000000001"));
        List<Sms> first = gw.sent();
        assertEquals(List.of(), to(first, CAPTAIN), "the try failed before its reply was queued");
        assertEquals(4, first.size(), "the job it started was expanded: the notices went");
        assertEquals(200, gw.text(CAPTAIN, "通知 明天放假", "SMbroadcast0000000000000000000001"));
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已开始发送4条，约1分钟内发完。回进度查看"), sent.stream()
                .map(s -> s.to().equals(CAPTAIN) ? s.body() : "to a guardian again: " + s.body()).toList(),
                "the retry answers and starts nothing");
        assertEquals(1, gw.redis().keys("sh:alert:b-ZT0427-*").stream().filter(k -> k.split(":").length == 3).count());
    }

    @Test
    void aNodeWithWorkersExpandsWhatItStartedWithoutBeingDriven() throws Exception {
        gw.close();
        gw = new GatewayUnderTest(Map.of("SHOUHU_OUTBOX_WORKERS", "1")).withSite();
        gw.at("10:00");
        gw.textOnly(CAPTAIN, "通知 明天放假"); // nothing drains or expands by hand: the node's own threads do
        List<Sms> sent = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sent.size() < 5 && System.nanoTime() < deadline) { // real threads: wait for them, not for time to pass
            sent.addAll(gw.sent());
            Thread.onSpinWait();
        }
        assertEquals(List.of(SIG + "已开始发送4条，约1分钟内发完。回进度查看"), to(sent, CAPTAIN));
        assertEquals(List.of(SIG + "永丰小学托管点通知：明天放假"), to(sent, WANG_GRANDMA));
        assertEquals(5, sent.size());
    }

    @Test
    void progressBeforeAnyBroadcastSaysHowToSendOne() throws Exception {
        gw.text(CAPTAIN, "进度");
        assertEquals(List.of(SIG + "还没有发过通知。群发通知请发：通知 内容"), to(gw.sent(), CAPTAIN));
    }
}
