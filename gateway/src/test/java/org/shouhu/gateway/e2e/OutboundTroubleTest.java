package org.shouhu.gateway.e2e;

import org.shouhu.gateway.testing.OutboxStreams;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.MESSAGES_PATH;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * The outbound path in trouble: a provider throttling with a tiny or a huge {@code Retry-After}, a
 * safety message that cannot be delivered (someone above its recipient hears), and an outbox entry
 * that fails every time (dead-lettered, shown in the admin API). Time moves on the settable clock.
 */
class OutboundTroubleTest {

    static final String SIG = "【守护托管】";
    static final String ALERT = SIG + "张小刚今天未到托管点。回1已在路上 回2今天不来";

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() {
        Failpoints.configure("");
        if (gw != null) {
            gw.close();
        }
    }

    /** Twilio throttles every message: HTTP 429, code 20429, {@code Retry-After} as given. */
    private void throttle(String retryAfter) {
        gw.twilioApi.resetMappings();
        gw.twilioApi.stubFor(post(urlPathMatching(MESSAGES_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", retryAfter).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}")));
    }

    private StoredMessage noShowAlertTo(String phone) {
        OutboundMessage m = gw.gateway.messages().enqueue(List.of(OutboundMessage.of(new Address(phone),
                TemplateKey.NO_SHOW_ALERT, Map.of("child", "张小刚"), MessageClass.SAFETY))).get(0);
        return StoredMessage.queued(m, gw.clock.instant());
    }

    private int requestsToTwilio() {
        return gw.twilioApi.findAll(postRequestedFor(urlPathMatching(MESSAGES_PATH))).size();
    }

    @Test
    void aThrottleStormWithRetryAfterOneEndsSentAndItsTriesAreAtLeastTheClampedWaitApart() throws Exception {
        gw = new GatewayUnderTest().withSite();
        throttle("1");
        StoredMessage alert = noShowAlertTo(ZHANG_GRANDPA);
        List<Instant> tries = new ArrayList<>();
        Instant stormEnds = gw.clock.instant().plus(Duration.ofMinutes(2));
        while (gw.clock.instant().isBefore(stormEnds)) {
            int before = requestsToTwilio();
            gw.gateway.drainOutbox();
            if (requestsToTwilio() > before) {
                tries.add(gw.clock.instant());
            }
            gw.clock.advance(Duration.ofSeconds(1));
        }
        StoredMessage waiting = gw.gateway.messages().load(alert.id()).orElseThrow();
        assertEquals(DeliveryStatus.PENDING, waiting.status(), "still waiting its turn, not failed");
        assertEquals(0, waiting.attempts(), "a throttle is not a failed attempt");
        assertEquals("20429", waiting.errorCode());
        for (int i = 1; i < tries.size(); i++) {
            assertTrue(!tries.get(i).isBefore(tries.get(i - 1).plusSeconds(5)),
                    "tries " + tries.get(i - 1) + " and " + tries.get(i) + " are less than 5 s apart");
        }
        assertTrue(tries.size() >= 20, "it kept trying through the storm: " + tries.size());

        gw.acceptMessages();
        gw.sent();
        gw.clock.advance(Duration.ofSeconds(5));
        gw.gateway.drainOutbox();
        assertEquals(List.of(ALERT), to(gw.sent(), ZHANG_GRANDPA));
        StoredMessage sent = gw.gateway.messages().load(alert.id()).orElseThrow();
        assertEquals(DeliveryStatus.QUEUED, sent.status());
        assertEquals(1, sent.attempts());
        assertEquals(200, gw.status(sent, "delivered"));
        assertEquals(DeliveryStatus.DELIVERED, gw.gateway.messages().load(alert.id()).orElseThrow().status());
    }

    @Test
    void aThrottleHoldsTheRestOfItsBatchInsteadOfCallingTheProviderForEachMessage() throws Exception {
        gw = new GatewayUnderTest().withSite();
        throttle("1");
        List<StoredMessage> alerts = List.of(noShowAlertTo(GatewayUnderTest.WANG_GRANDMA),
                noShowAlertTo(GatewayUnderTest.LI_GRANDMA), noShowAlertTo(ZHANG_GRANDPA));
        gw.gateway.drainOutbox();
        assertEquals(1, requestsToTwilio(), "one throttled call, then the provider is left alone");
        for (StoredMessage alert : alerts) {
            StoredMessage held = gw.gateway.messages().load(alert.id()).orElseThrow();
            assertEquals(0, held.attempts(), "not an attempt");
            assertEquals(gw.clock.instant().plusSeconds(5).toEpochMilli(),
                    OutboxStreams.delayedUntil(gw.redis(), alert.id()).longValue(), "waits the clamped 5 s");
        }

        gw.acceptMessages();
        gw.sent();
        gw.clock.advance(Duration.ofSeconds(5));
        gw.gateway.drainOutbox();
        List<GatewayUnderTest.Sms> sent = gw.sent();
        assertEquals(3, sent.size(), sent.toString());
    }

    @Test
    void aHugeRetryAfterIsClampedToTenMinutes() throws Exception {
        gw = new GatewayUnderTest().withSite();
        throttle("864000"); // ten days
        StoredMessage alert = noShowAlertTo(ZHANG_GRANDPA);
        gw.gateway.drainOutbox();
        Double due = OutboxStreams.delayedUntil(gw.redis(), alert.id());
        assertEquals(gw.clock.instant().plus(Duration.ofMinutes(10)).toEpochMilli(), due.longValue(), "ten minutes, not ten days");

        gw.acceptMessages();
        gw.sent();
        gw.clock.advance(Duration.ofMinutes(10));
        gw.gateway.drainOutbox();
        assertEquals(List.of(ALERT), to(gw.sent(), ZHANG_GRANDPA));
    }

    @Test
    void aSafetyMessageGivenUpAfterTwoDaysOfFailuresIsToldToTheCaptain() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.refuseMessages(503, 0);
        StoredMessage alert = noShowAlertTo(ZHANG_GRANDPA);
        Instant created = gw.clock.instant();
        while (gw.clock.instant().isBefore(created.plus(Duration.ofHours(47)))) {
            gw.gateway.drainOutbox();
            gw.clock.advance(Duration.ofMinutes(31));
        }
        StoredMessage trying = gw.gateway.messages().load(alert.id()).orElseThrow();
        assertEquals(DeliveryStatus.PENDING, trying.status(), "still tried after 47 hours");
        assertTrue(trying.attempts() > 8, "not given up after eight quick tries: " + trying.attempts());

        gw.twilioApi.resetMappings(); // the captain's phone works; the grandpa's still does not
        gw.acceptMessages();
        gw.twilioApi.stubFor(post(urlPathMatching(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing("To=%2B8613912340003")).willReturn(aResponse().withStatus(503)));
        gw.sent();
        gw.clock.set(created.plus(Duration.ofHours(48)));
        gw.gateway.drainOutbox();

        assertEquals(DeliveryStatus.FAILED, gw.gateway.messages().load(alert.id()).orElseThrow().status());
        assertEquals(List.of(SIG + "安全通知发不到3号张小刚的爷爷（139****0003）。请打电话或上门告诉家长。"),
                to(gw.sent(), CAPTAIN));
    }

    @Test
    void aSafetyMessageToTheCaptainThatFailsForGoodIsToldToTheCountyCoordinator() throws Exception {
        gw = new GatewayUnderTest().withSite();
        assertEquals(200, gw.admin("PUT", "/api/counties/昭阳区/coordinator",
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘主任\"}").statusCode());
        gw.twilioApi.stubFor(post(urlPathMatching(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing("To=%2B8613800000001")).willReturn(aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":30006,\"message\":\"landline\",\"status\":400}")));
        StoredMessage alert = gw.gateway.messages().enqueue(List.of(OutboundMessage.of(new Address(CAPTAIN),
                TemplateKey.NO_SHOW_TO_CAPTAIN, Map.of("rosterNo", "3", "child", "张小刚"), MessageClass.SAFETY)))
                .stream().map(m -> StoredMessage.queued(m, gw.clock.instant())).findFirst().orElseThrow();
        gw.gateway.drainOutbox();

        assertEquals(DeliveryStatus.FAILED, gw.gateway.messages().load(alert.id()).orElseThrow().status());
        assertEquals(List.of(SIG + "安全通知发不到永丰小学托管点队长张队长（138****0001）。请打电话联系。"),
                to(gw.sent(), COORDINATOR));
    }

    @Test
    void aSafetyMessageToAnUnreachableChatAccountWithNoPhoneIsToldToTheCaptain() throws Exception {
        gw = new GatewayUnderTest().withSite();
        Address mother = new Address("telegram:5839124067");
        gw.gateway.care().linkGuardian(gw.childId(3), new org.shouhu.routes.care.Guardian(mother, "妈妈"));
        gw.gateway.care().setUnreachable(mother, true); // she blocked the bot and gave no phone when she bound
        gw.gateway.messages().enqueue(List.of(OutboundMessage.of(mother, TemplateKey.NO_SHOW_ALERT,
                Map.of("child", "张小刚"), MessageClass.SAFETY)));
        gw.gateway.drainOutbox();

        assertEquals(List.of(SIG + "安全通知发不到3号张小刚的妈妈（" + mother.masked() + "）。请打电话或上门告诉家长。"),
                to(gw.sent(), CAPTAIN));
    }

    @Test
    void anOutboxEntryThatFailsEveryDeliveryIsDeadLetteredAndShownInTheAdminApi() throws Exception {
        gw = new GatewayUnderTest();
        Failpoints.configure("outbound.before-send=throw");
        StoredMessage poison = noShowAlertTo(ZHANG_GRANDPA);
        gw.gateway.drainOutbox(); // delivery 1
        for (int delivery = 2; delivery <= 5; delivery++) {
            idleForTenMinutes();
            gw.gateway.drainOutbox(); // claimed again, fails again
            assertEquals(1L, OutboxStreams.pending(gw.redis()), "still pending after delivery " + delivery);
        }
        idleForTenMinutes();
        gw.gateway.drainOutbox();

        assertEquals(0L, OutboxStreams.pending(gw.redis()), "given up: no longer claimed every five minutes");
        var answer = gw.admin("GET", "/api/dead-letters", null);
        assertEquals(200, answer.statusCode());
        JsonNode letters = json.readTree(answer.body()).get("deadLetters");
        assertEquals(1, letters.size(), answer.body());
        JsonNode letter = letters.get(0);
        assertEquals(poison.id(), letter.get("id").asText());
        assertEquals("139****0003", letter.get("to").asText());
        assertEquals(5, letter.get("deliveries").asInt());
        assertTrue(letter.get("reason").asText().contains("FailpointException"), letter.toString());
        assertEquals(gw.clock.instant().toString(), letter.get("at").asText());
        assertTrue(!answer.body().contains("13912340003"), "the number is masked");
        assertEquals(0, requestsToTwilio(), "nothing was ever sent");
    }


    /** Makes the pending entries look idle for ten minutes, as if their worker had stopped, without counting a delivery. */
    private void idleForTenMinutes() {
        OutboxStreams.idle(gw.redis(), 600_000);
    }
}
