package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** A county's dashboard: its coordinator sees its sites' day and escalations climb to red; nobody else's county, and staff none. */
class CountyPagesTest {

    static final String OTHER_COORDINATOR = "+8613500000002";
    static final String CITY_ADMIN = "+8613600000001";
    static final String ZHAOYANG = "/console/counties/" + enc("昭阳区");
    static final String WEIXIN = "/console/counties/" + enc("威信县");

    GatewayUnderTest gw;
    ConsoleClient coordinator;
    final ObjectMapper json = new ObjectMapper();

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** ZT0427 (昭阳区, its coordinator) and WX0001 (威信县, another coordinator), logged in at 08:05. */
    static void twoCounties(GatewayUnderTest gw) throws Exception {
        gw.admin("PUT", "/api/sites/WX0001", "{\"name\":\"扎西儿童之家\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:00\"}");
        gw.admin("POST", "/api/sites/WX0001/children", "{\"name\":\"陈小兰\",\"guardians\":[{\"phone\":\"+8613912349999\",\"relation\":\"奶奶\"}]}");
        assertEquals(200, gw.admin("PUT", "/api/counties/" + enc("昭阳区") + "/coordinator",
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘协调员\"}").statusCode());
        assertEquals(200, gw.admin("PUT", "/api/counties/" + enc("威信县") + "/coordinator",
                "{\"phone\":\"" + OTHER_COORDINATOR + "\",\"name\":\"周协调员\"}").statusCode());
        gw.at("08:05");
    }

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        twoCounties(gw);
        coordinator = new ConsoleClient(gw);
        assertEquals(ZHAOYANG, coordinator.login(COORDINATOR).headers().firstValue("Location").orElseThrow(),
                "a coordinator's console opens on their county");
        gw.sent();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private JsonNode live(ConsoleClient who, String county) throws Exception {
        HttpResponse<String> r = who.get(county + "/live");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json.readTree(r.body());
    }

    @Test
    void theCoordinatorSeesANoShowEscalationAppearClimbAndTurnRed() throws Exception {
        HttpResponse<String> page = coordinator.get(ZHAOYANG);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("永丰小学托管点") && !page.body().contains("扎西儿童之家"), page.body());
        assertTrue(page.body().contains("没有未结束的升级"), page.body());
        assertEquals(0, live(coordinator, ZHAOYANG).get("escalations").size());

        gw.text(VOLUNTEER, "到 1 2");
        gw.tick("08:31"); // 30 minutes after opening: the no-show ladder of 3张小刚 opens, telling the grandfather
        JsonNode day = live(coordinator, ZHAOYANG);
        JsonNode site = day.get("sites").get(0);
        assertEquals("ZT0427", site.get("code").asText());
        assertEquals(3, site.get("expected").asInt());
        assertEquals(2, site.get("arrived").asInt());
        assertEquals(1, site.get("missing").asInt());
        assertEquals(2, site.get("onSite").asInt());
        assertEquals(1, day.get("escalations").size());
        JsonNode e = day.get("escalations").get(0);
        assertEquals("张小刚", e.get("child").asText());
        assertEquals(3, e.get("rosterNo").asInt());
        assertEquals("未到", e.get("kind").asText());
        assertEquals("家长", e.get("step").asText());
        assertFalse(e.get("red").asBoolean());
        assertEquals(0, e.get("minutes").asInt(), "opened at the tick");

        gw.tick("08:46");
        e = live(coordinator, ZHAOYANG).get("escalations").get(0);
        assertEquals("队长", e.get("step").asText());
        assertFalse(e.get("red").asBoolean());

        gw.tick("09:01");
        e = live(coordinator, ZHAOYANG).get("escalations").get(0);
        assertEquals("协调员", e.get("step").asText());
        assertTrue(e.get("red").asBoolean());
        assertEquals(30, e.get("minutes").asInt());
        page = coordinator.get(ZHAOYANG);
        assertTrue(page.body().contains("<tr class=\"escalation red\""), page.body());
        assertTrue(page.body().contains("<td class=\"step\">协调员</td>"), page.body());

        gw.text(VOLUNTEER, "到 3"); // the child came: the ladder closes and leaves the dashboard
        assertEquals(0, live(coordinator, ZHAOYANG).get("escalations").size());
    }

    @Test
    void anotherCountysPageAndLiveDataAre403() throws Exception {
        HttpResponse<String> page = coordinator.get(WEIXIN);
        assertEquals(403, page.statusCode());
        assertFalse(page.body().contains("扎西儿童之家"));
        assertEquals(403, coordinator.get(WEIXIN + "/live").statusCode());
        assertEquals(403, coordinator.get("/console/city").statusCode(), "the city overview is the city admins'");
    }

    @Test
    void staffHaveNoCountyPage() throws Exception {
        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        assertEquals(403, volunteer.get(ZHAOYANG).statusCode());
        assertEquals(403, volunteer.get(ZHAOYANG + "/live").statusCode());
        assertEquals(403, volunteer.get("/console/city").statusCode());
    }

    @Test
    void aCityAdminSeesACountyPerRowAndEveryCountysPage() throws Exception {
        assertEquals(200, gw.admin("PUT", "/api/city-admins/" + CITY_ADMIN, "{\"name\":\"市教育局王科长\"}").statusCode());
        gw.text(VOLUNTEER, "到 1");
        gw.tick("08:31");
        gw.tick("08:46");
        gw.tick("09:01"); // 2 and 3 went up the whole ladder
        ConsoleClient city = new ConsoleClient(gw);
        assertEquals("/console/city", city.login(CITY_ADMIN).headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = city.get("/console/city");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<a href=\"" + ZHAOYANG + "\">昭阳区</a>"), page.body());
        assertTrue(page.body().contains("<a href=\"" + WEIXIN + "\">威信县</a>"), page.body());
        assertTrue(page.body().contains("<tr data-county=\"昭阳区\" class=\"red\">"), "escalations at the coordinator: " + page.body());
        assertEquals(200, city.get(WEIXIN).statusCode());
        assertEquals(1, live(city, WEIXIN).get("escalations").size(), "陈小兰 never came");
        assertEquals(404, city.get("/console/counties/" + enc("无此县")).statusCode());
    }
}
