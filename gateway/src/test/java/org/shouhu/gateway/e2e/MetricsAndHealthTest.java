package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** What an operator reads at {@code /metrics} and {@code /health/*} of a real node while a site's morning goes by. */
class MetricsAndHealthTest {

    GatewayUnderTest gw;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest(Map.of("SHOUHU_METRICS_LOOPBACK", "on")).withSite(); // the test is on the node's machine
        gw.at("08:05");
        assertEquals(200, gw.admin("PUT", "/api/counties/昭阳区/coordinator",
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘主任\"}").statusCode());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).GET().build());
    }

    /** The value of one sample line of the scrape, e.g. {@code shouhu_outbox_depth{channel="sms",lane="confirm"}}; -1 when absent. */
    static double sample(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void theWebhooksSendsQueuesAndEscalationsOfAMorningShowInTheScrape() throws Exception {
        assertEquals(200, gw.textOnly(CAPTAIN, "到 1"));
        String queued = get("/metrics").body();
        assertEquals(2.0, sample(queued, "shouhu_outbox_depth{channel=\"sms\",lane=\"confirm\"}"),
                "the grandmother's and the father's arrival SMS wait in the confirm lane: " + queued.lines()
                        .filter(l -> l.startsWith("shouhu_outbox_depth{channel=\"sms\"")).toList());

        gw.gateway.drainOutbox();
        assertEquals(1.0, sample(queued, "shouhu_outbox_depth{channel=\"sms\",lane=\"reply\"}"), "the captain's reply");
        String drained = get("/metrics").body();
        assertEquals(0.0, sample(drained, "shouhu_outbox_depth{channel=\"sms\",lane=\"confirm\"}"), "all sent");
        assertEquals(1.0, sample(drained, "shouhu_http_requests_seconds_count{route=\"/twilio/sms\",status=\"200\"}"),
                "the captain's one webhook");
        int sent = gw.sent().size();
        assertEquals(sent, sample(drained, "shouhu_sends_seconds_count{channel=\"sms\",error=\"none\",outcome=\"sent\"}"),
                "every SMS Twilio took, counted");
        assertTrue(sample(drained, "shouhu_outbox_wait_seconds_count{channel=\"sms\",lane=\"confirm\"}") >= 1, drained);
        assertTrue(sample(drained, "shouhu_outbox_wait_seconds_count{channel=\"sms\",lane=\"reply\"}") >= 1,
                "the captain's own reply: the inbound-to-reply wait");
        assertTrue(sample(drained, "shouhu_redis_round_trip_seconds") > 0, "a PING at the scrape");
        assertTrue(drained.contains("jvm_memory_used_bytes{area=\"heap\""), "the JVM's own meters");

        gw.tick("08:30"); // the other two children are not in: a no-show ladder each, at the guardians
        String noShows = get("/metrics").body();
        assertEquals(2.0, sample(noShows, "shouhu_escalations_open{step=\"guardians\"}"), noShows);
        assertEquals(0.0, sample(noShows, "shouhu_escalations_open{step=\"captain\"}"));
        gw.tick("08:45"); // nobody answered: both go to the captain
        String escalated = get("/metrics").body();
        assertEquals(0.0, sample(escalated, "shouhu_escalations_open{step=\"guardians\"}"));
        assertEquals(2.0, sample(escalated, "shouhu_escalations_open{step=\"captain\"}"), escalated);
    }

    @Test
    void aProviderRefusalIsCountedByItsCode() throws Exception {
        gw.refuseMessages(400, 21211);
        assertEquals(200, gw.text(CAPTAIN, "到 1"));

        String scrape = get("/metrics").body();
        assertTrue(sample(scrape, "shouhu_sends_seconds_count{channel=\"sms\",error=\"21211\",outcome=\"permanent\"}") >= 1,
                scrape.lines().filter(l -> l.startsWith("shouhu_sends_seconds_count")).toList().toString());
    }

    @Test
    void liveAndReadyAnswerForTheNode() throws Exception {
        assertEquals("live", get("/health/live").body());
        HttpResponse<String> ready = get("/health/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", ready.body());
        assertEquals(200, get("/health").statusCode());
        assertEquals(404, get("/healthz").statusCode());
        assertTrue(sample(get("/metrics").body(), "shouhu_http_requests_seconds_count{route=\"other\",status=\"404\"}") >= 1,
                "an unknown path is counted under one route, not its own");
    }

    @Test
    void aNodeWithNeitherTokenNorLoopbackSettingKeepsItsMetricsClosed() throws Exception {
        try (GatewayUnderTest closed = new GatewayUnderTest()) {
            HttpResponse<String> metrics = closed.raw(HttpRequest.newBuilder(URI.create(closed.baseUrl() + "/metrics")).GET().build());
            assertEquals(403, metrics.statusCode());
            assertTrue(metrics.body().contains("SHOUHU_METRICS_TOKEN"), metrics.body());
        }
    }

    @Test
    void withATokenOnlyItsHoldersReadTheMetrics() throws Exception {
        try (GatewayUnderTest locked = new GatewayUnderTest(Map.of("SHOUHU_METRICS_TOKEN", "m3trics-t0ken"))) {
            HttpRequest.Builder metrics = HttpRequest.newBuilder(URI.create(locked.baseUrl() + "/metrics")).GET();
            HttpResponse<String> none = locked.raw(metrics.build());
            assertEquals(401, none.statusCode());
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
            assertEquals(401, locked.raw(metrics.copy().header("Authorization", "Bearer wrong").build()).statusCode());
            HttpResponse<String> held = locked.raw(metrics.copy().header("Authorization", "Bearer m3trics-t0ken").build());
            assertEquals(200, held.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", held.headers().firstValue("Content-Type").orElse(""));
            assertTrue(held.body().contains("# TYPE shouhu_outbox_depth gauge"), held.body());
        }
    }
}
