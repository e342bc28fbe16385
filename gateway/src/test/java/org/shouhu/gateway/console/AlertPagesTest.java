package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** A coordinator's alert from the console: the guardians' SMS, who has not answered with a phone to call, and only within their county. */
class AlertPagesTest {

    static final String TEXT = "今天午后有雷雨，河水会涨，请看好孩子不要去河边玩水。";
    static final String WX_GRANDMA = "+8613912349999";

    GatewayUnderTest gw;
    ConsoleClient coordinator;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
        coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
        gw.sent();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private String send(String scope, String text) throws Exception {
        assertEquals(200, coordinator.get(CountyPagesTest.ZHAOYANG).statusCode());
        HttpResponse<String> sent = coordinator.post("/console/alerts", Map.of("scope", scope, "kind", "drowning", "text", text));
        assertEquals(303, sent.statusCode(), sent.body());
        String location = sent.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("/console/alerts/a-req-"), location);
        return location;
    }

    private JsonNode live(String page) throws Exception {
        HttpResponse<String> r = coordinator.get(page + "/live");
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    private static List<String> phones(JsonNode live) {
        List<String> phones = new ArrayList<>();
        live.get("waiting").forEach(w -> phones.add(w.get("phone").asText()));
        java.util.Collections.sort(phones);
        return phones;
    }

    @Test
    void anAlertReachesEveryGuardianAndTheListOfWhomToCallShrinksAsTheyAnswer() throws Exception {
        String page = send("county:昭阳区", TEXT);
        gw.gateway.drainOutbox();
        List<GatewayUnderTest.Sms> sms = gw.sent();
        for (String guardian : List.of(WANG_GRANDMA, WANG_FATHER, LI_GRANDMA, ZHANG_GRANDPA)) {
            assertEquals(List.of("【守护托管】" + TEXT + " 回1收到"), GatewayUnderTest.to(sms, guardian), guardian);
        }
        assertEquals(List.of(), GatewayUnderTest.to(sms, WX_GRANDMA), "another county's guardians are not told");

        HttpResponse<String> progress = coordinator.get(page);
        assertEquals(200, progress.statusCode());
        assertTrue(progress.body().contains("警报已发出"), progress.body());
        assertTrue(progress.body().contains("<a class=\"call\" href=\"tel:+8613912345678\">139 1234 5678</a>"), progress.body());
        assertTrue(progress.body().contains("王小明的奶奶"), progress.body());
        JsonNode before = live(page);
        assertEquals(4, before.get("recipients").asInt());
        assertEquals(0, before.get("acknowledged").asInt());
        assertEquals(List.of("137 1234 0000", "139 1234 0002", "139 1234 0003", "139 1234 5678"), phones(before));

        gw.text(WANG_GRANDMA, "1");
        JsonNode after = live(page);
        assertEquals(1, after.get("acknowledged").asInt());
        assertEquals(3, after.get("notAcknowledged").asInt());
        assertEquals(List.of("137 1234 0000", "139 1234 0002", "139 1234 0003"), phones(after));

        String county = coordinator.get(CountyPagesTest.ZHAOYANG).body();
        assertTrue(county.contains("<a href=\"" + page + "\">") && county.contains("已回复 1/4"), "the county page lists it: " + county);

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("coordinator 135****0001") && audit.contains("POST /console/alerts kind=drowning&scope=county:昭阳区"), audit);
    }

    @Test
    void aFormSentTwiceSendsOneAlert() throws Exception {
        coordinator.get(CountyPagesTest.ZHAOYANG);
        Map<String, String> form = Map.of("scope", "site:ZT0427", "kind", "drowning", "text", TEXT);
        String first = coordinator.post("/console/alerts", form).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> again = coordinator.post("/console/alerts", form); // the same form (its one-time id) once more
        assertEquals(first, again.headers().firstValue("Location").orElseThrow());
        assertTrue(coordinator.get(first).body().contains("这条警报已经发过，没有重复发送。"), coordinator.lastPage());
        gw.gateway.drainOutbox();
        assertEquals(1, GatewayUnderTest.to(gw.sent(), WANG_GRANDMA).size());
    }

    @Test
    void aCoordinatorCannotAlertAnotherCountyOrTheCity() throws Exception {
        coordinator.get(CountyPagesTest.ZHAOYANG);
        for (String scope : List.of("county:威信县", "site:WX0001", "city")) {
            HttpResponse<String> refused = coordinator.post("/console/alerts", Map.of("scope", scope, "kind", "drowning", "text", TEXT));
            assertEquals(403, refused.statusCode(), scope);
        }
        assertEquals(400, coordinator.post("/console/alerts", Map.of("scope", "county:昭阳区", "text", "请看 www.example.com")).statusCode());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent(), "nothing was sent");
        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        volunteer.get("/console/sites/ZT0427");
        assertEquals(403, volunteer.post("/console/alerts", Map.of("scope", "site:ZT0427", "text", TEXT)).statusCode());
    }

    @Test
    void anotherCountysAlertIsNotTheirsToRead() throws Exception {
        HttpResponse<String> api = gw.admin("POST", "/api/alerts", "{\"scope\":\"county:威信县\",\"text\":\"" + TEXT + "\",\"requestId\":\"weixin-0001\"}");
        assertEquals(201, api.statusCode(), api.body());
        gw.gateway.drainOutbox();
        assertEquals(403, coordinator.get("/console/alerts/a-req-weixin-0001").statusCode());
        assertEquals(403, coordinator.get("/console/alerts/a-req-weixin-0001/live").statusCode());
        assertFalse(coordinator.lastPage().contains("139 1234 9999"));
        assertEquals(404, coordinator.get("/console/alerts/a-req-nosuch-0001").statusCode());
    }
}
