package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.store.redis.OutboxWorker;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.OutboxStreams;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * Delivery health for city admins: the outbox's lanes with what is queued and in flight while no
 * worker sends, finish estimates at the pacer's rate (red past an hour), the provider errors of the
 * last hour, dead letters (phone masked, red); coordinators and staff get 403.
 */
class HealthPageTest {

    static final String CITY_ADMIN = CountyPagesTest.CITY_ADMIN;

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    /** A node (its outbox workers stopped: nothing is sent until drained) with two counties and a city admin. */
    void start(Map<String, String> env) throws Exception {
        gw = new GatewayUnderTest(env).withSite();
        CountyPagesTest.twoCounties(gw);
        assertEquals(200, gw.admin("PUT", "/api/city-admins/" + CITY_ADMIN, "{\"name\":\"市教育局王科长\"}").statusCode());
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    ConsoleClient cityAdmin() throws Exception {
        ConsoleClient city = new ConsoleClient(gw);
        assertEquals("/console/city", city.login(CITY_ADMIN).headers().firstValue("Location").orElseThrow());
        gw.sent();
        return city;
    }

    JsonNode live(ConsoleClient who) throws Exception {
        HttpResponse<String> r = who.get("/console/health/live");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json.readTree(r.body());
    }

    static JsonNode lane(JsonNode health, String channel, String lane) {
        for (JsonNode c : health.get("channels")) {
            if (c.get("channel").asText().equals(channel)) {
                for (JsonNode l : c.get("lanes")) {
                    if (l.get("lane").asText().equals(lane)) {
                        return l;
                    }
                }
            }
        }
        throw new AssertionError("no lane " + channel + ":" + lane + " in " + health);
    }

    static JsonNode channel(JsonNode health, String channel) {
        for (JsonNode c : health.get("channels")) {
            if (c.get("channel").asText().equals(channel)) {
                return c;
            }
        }
        throw new AssertionError("no channel " + channel + " in " + health);
    }

    /**
     * The volunteer checks in 3张小刚, and a node whose route fails on the grandfather's notice every
     * time takes the outbox: after five deliveries the notice is dead-lettered (the volunteer's answer
     * is taken by that node and not sent).
     */
    static void deadLetterTheGrandfathersNotice(GatewayUnderTest gw) throws Exception {
        gw.textOnly(VOLUNTEER, "到 3");
        OutboxWorker broken = new OutboxWorker(gw.redis(), gw.clock, batch -> {
            if (batch.stream().anyMatch(e -> e.message() != null && e.message().to().value().equals(ZHANG_GRANDPA))) {
                throw new IllegalStateException("cannot render the message to " + ZHANG_GRANDPA);
            }
        }, "broken");
        broken.drain();
        for (int delivery = 2; delivery <= 6; delivery++) {
            OutboxStreams.idle(gw.redis(), 600_000);
            broken.drain();
        }
        assertEquals(0L, OutboxStreams.pending(gw.redis()));
    }

    @Test
    void aCityAdminSeesWhatEachLaneHasQueuedAndInFlightUntilItIsSent() throws Exception {
        start(Map.of());
        ConsoleClient city = cityAdmin();
        JsonNode calm = live(city);
        assertFalse(calm.get("red").asBoolean(), calm.toString());
        assertEquals(0, calm.get("deadLetters").get("count").asInt());
        assertEquals(5, calm.get("channels").size(), "sms, whatsapp, telegram, wechat, voice");
        assertEquals("不限速", channel(calm, "sms").get("rateText").asText());

        gw.textOnly(VOLUNTEER, "到 1 2"); // nothing drained: the answer and the grandparents' notices wait in the outbox
        gw.textOnly(CAPTAIN, "通知 明天下午停电，托管点照常开放。");
        gw.gateway.expandAlerts(); // the broadcast's fan-out is queued in the bulk lane
        // a worker of another node has taken one arrival notice and not finished it
        gw.redis().xreadGroup(OutboxStreams.GROUP, "other@1-sms-0", XReadGroupParams.xReadGroupParams().count(1),
                Map.of("sh:out:sms:confirm", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

        JsonNode busy = live(city);
        JsonNode reply = lane(busy, "sms", "reply");
        assertEquals(2, reply.get("queued").asInt(), "the volunteer's and the captain's answers: " + busy);
        assertEquals(0, reply.get("inFlight").asInt());
        JsonNode confirm = lane(busy, "sms", "confirm");
        assertEquals(2, confirm.get("queued").asInt(), busy.toString());
        assertEquals(1, confirm.get("inFlight").asInt(), busy.toString());
        assertEquals(3, confirm.get("depth").asInt());
        assertEquals("约1分钟内发完", confirm.get("finish").asText(), "unpaced");
        JsonNode bulk = lane(busy, "sms", "bulk");
        assertEquals(4, bulk.get("queued").asInt(), "the notice to the four guardians: " + busy);
        assertEquals(0, lane(busy, "sms", "urgent").get("depth").asInt());
        assertEquals("—", lane(busy, "sms", "urgent").get("finish").asText());
        assertEquals(9, channel(busy, "sms").get("depth").asInt());
        assertFalse(busy.get("red").asBoolean());
        for (String field : new String[] {"time", "channels", "delayed", "errors", "deadLetters", "red", "problems"}) {
            assertTrue(busy.has(field), field + " in " + busy);
        }

        HttpResponse<String> page = city.get("/console/health");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<tr data-lane=\"confirm\"><td>确认</td><td class=\"queued\">2</td><td class=\"in-flight\">1</td>"),
                page.body());
        assertTrue(page.body().contains("<tr data-lane=\"bulk\"><td>群发</td><td class=\"queued\">4</td>"), page.body());
        assertTrue(page.body().contains("一切正常") && page.body().contains("data-live=\"/console/health/live\""));
        assertTrue(page.body().contains("<script src=\"/console/static/health.js\" defer></script>"));

        gw.gateway.drainOutbox();
        JsonNode after = live(city);
        assertEquals(0, lane(after, "sms", "reply").get("depth").asInt());
        assertEquals(0, lane(after, "sms", "bulk").get("depth").asInt());
        assertEquals(1, lane(after, "sms", "confirm").get("inFlight").asInt(), "still held by the other node's worker");
        assertEquals(0, lane(after, "sms", "confirm").get("queued").asInt());
    }

    @Test
    void aLaneThatWouldTakeMoreThanAnHourAtThePacedRateIsRed() throws Exception {
        start(Map.of("TWILIO_MPS", "0.001")); // one SMS every 1000 s
        ConsoleClient city = cityAdmin();
        gw.textOnly(VOLUNTEER, "到 1 2");
        JsonNode h = live(city);
        assertEquals("每秒0.001条", channel(h, "sms").get("rateText").asText());
        assertEquals(0.001, channel(h, "sms").get("rate").asDouble(), 1e-9);
        JsonNode reply = lane(h, "sms", "reply");
        assertEquals(1000, reply.get("finishSeconds").asLong(), h.toString());
        assertEquals("约17分钟发完", reply.get("finish").asText());
        assertFalse(reply.get("red").asBoolean());
        JsonNode confirm = lane(h, "sms", "confirm");
        assertEquals(4000, confirm.get("finishSeconds").asLong(), "its 3 wait for the answer above them");
        assertEquals("约1.5小时发完", confirm.get("finish").asText());
        assertTrue(confirm.get("red").asBoolean());
        assertTrue(h.get("red").asBoolean());
        assertEquals("短信·确认预计约1.5小时发完", h.get("problems").get(0).asText());
        HttpResponse<String> page = city.get("/console/health");
        assertTrue(page.body().contains("<tr data-lane=\"confirm\" class=\"red\">"), page.body());
        assertTrue(page.body().contains("<div id=\"status\" class=\"error\""), page.body());
    }

    @Test
    void aDeadLetterShowsWithItsPhoneMaskedAndTurnsThePageRed() throws Exception {
        start(Map.of());
        ConsoleClient city = cityAdmin();
        deadLetterTheGrandfathersNotice(gw);

        JsonNode h = live(city);
        assertTrue(h.get("red").asBoolean(), h.toString());
        assertEquals("有1条死信（多次发送都失败，已放弃）", h.get("problems").get(0).asText());
        JsonNode dead = h.get("deadLetters");
        assertEquals(1, dead.get("count").asInt());
        JsonNode letter = dead.get("latest").get(0);
        assertEquals("139****0003", letter.get("to").asText());
        assertEquals("短信·确认", letter.get("lane").asText());
        assertEquals("IllegalStateException: cannot render the message to 139****0003", letter.get("reason").asText());
        assertEquals("07-15 08:05", letter.get("at").asText());
        HttpResponse<String> page = city.get("/console/health");
        assertTrue(page.body().contains("07-15 08:05 · 短信·确认 · 139****0003"), page.body());
        assertFalse(page.body().contains("13912340003"), "no whole phone number on the page");
        String api = gw.admin("GET", "/api/dead-letters", null).body();
        assertTrue(api.contains("\"to\":\"139****0003\"") && api.contains(letter.get("id").asText()), "the admin API's list: " + api);
    }

    @Test
    void theProviderErrorsOfTheLastHourByChannelAndClass() throws Exception {
        start(Map.of());
        ConsoleClient city = cityAdmin();
        assertEquals(0, live(city).get("errors").size());
        gw.refuseMessages(400, 21211); // Twilio: not a valid phone number (permanent)
        gw.text(VOLUNTEER, "到 1");
        gw.acceptMessages();
        JsonNode errors = live(city).get("errors");
        assertEquals(1, errors.size(), errors.toString());
        assertEquals("sms", errors.get(0).get("channel").asText());
        assertEquals("permanent", errors.get(0).get("outcome").asText());
        assertEquals("永久失败", errors.get(0).get("outcomeLabel").asText());
        assertEquals("21211", errors.get(0).get("error").asText());
        assertEquals(3, errors.get(0).get("count").asInt(), "the answer and the grandmother's and the father's notices");
        assertTrue(city.get("/console/health").body().contains("<tr><td>短信</td><td>永久失败</td><td>21211</td><td>3</td></tr>"));

        gw.at("09:06"); // an hour and a minute later
        assertEquals(0, live(city).get("errors").size());
    }

    @Test
    void coordinatorsAndStaffMayNotSeeIt() throws Exception {
        start(Map.of());
        ConsoleClient coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
        assertEquals(403, coordinator.get("/console/health").statusCode());
        assertEquals(403, coordinator.get("/console/health/live").statusCode());
        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        HttpResponse<String> page = volunteer.get("/console/health");
        assertEquals(403, page.statusCode());
        assertTrue(page.body().contains("没有权限"));
        assertEquals(403, volunteer.get("/console/health/live").statusCode());
        assertFalse(coordinator.get("/console/counties/%E6%98%AD%E9%98%B3%E5%8C%BA").body().contains("/console/health\""),
                "the nav links it for city admins only");
        assertEquals(404, cityAdmin().get("/console/health/nothing").statusCode());
    }
}
