package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** The captain marks a grandfather who cannot read to be phoned, as the admin API does; volunteers only see it. */
class VoicePageTest {

    static final String PAGE = "/console/sites/ZT0427/voice";
    /** The switch of 张小刚's 爷爷 (139****0003): its hidden fields. */
    static final Pattern GRANDPA = Pattern.compile("name=\"child\" value=\"([^\"]+)\">\\s*<input type=\"hidden\" name=\"g\" value=\"(\\d+)\">"
            + "<input type=\"hidden\" name=\"m\" value=\"139\\*\\*\\*\\*0003\">");

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private JsonNode zhangToday() throws Exception {
        return json.readTree(gw.admin("GET", "/api/sites/ZT0427/today", null).body()).get("children").get(2);
    }

    private Map<String, String> grandpaSwitch(ConsoleClient who, String call) throws Exception {
        Matcher m = GRANDPA.matcher(who.get(PAGE).body());
        assertTrue(m.find(), who.lastPage());
        return Map.of("child", m.group(1), "g", m.group(2), "m", "139****0003", "call", call);
    }

    @Test
    void theCaptainMarksAGrandfatherToBePhonedAndTheApiSaysSo() throws Exception {
        ConsoleClient captain = new ConsoleClient(gw);
        captain.login(CAPTAIN);
        HttpResponse<String> page = captain.get(PAGE);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("张小刚 <small class=\"hint\">爷爷 139****0003</small>"), page.body());
        assertFalse(page.body().contains("13912340003"), "numbers are shown masked, in the page and its forms");
        assertFalse(zhangToday().has("voiceFirst"));

        assertEquals(303, captain.post(PAGE, grandpaSwitch(captain, "1")).statusCode());
        assertEquals("[\"爷爷\"]", zhangToday().get("voiceFirst").toString());
        HttpResponse<String> after = captain.get(PAGE);
        assertTrue(after.body().contains("张小刚的爷爷（139****0003）：没回短信时会接到电话。"), after.body());
        assertTrue(gw.admin("GET", "/api/audit", null).body().contains("POST /console/sites/ZT0427/voice"), "audited");

        assertEquals(303, captain.post(PAGE, grandpaSwitch(captain, "0")).statusCode());
        assertFalse(zhangToday().has("voiceFirst"), "switched back to SMS only");
    }

    @Test
    void aVolunteerSeesButCannotSwitchAndAnotherCountysCoordinatorCannotSee() throws Exception {
        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        HttpResponse<String> page = volunteer.get(PAGE);
        assertEquals(200, page.statusCode());
        assertFalse(page.body().contains("改为打电话"), "no switch for a volunteer");
        ConsoleClient captain = new ConsoleClient(gw);
        captain.login(CAPTAIN);
        assertEquals(403, volunteer.post(PAGE, grandpaSwitch(captain, "1")).statusCode());
        assertFalse(zhangToday().has("voiceFirst"));

        ConsoleClient coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
        assertEquals(303, coordinator.post(PAGE, grandpaSwitch(coordinator, "1")).statusCode(), "the county's coordinator may");
        ConsoleClient other = new ConsoleClient(gw);
        other.login(CountyPagesTest.OTHER_COORDINATOR);
        assertEquals(403, other.get(PAGE).statusCode());
    }

    @Test
    void aFormLeftOpenWhileTheGuardiansChangedIsRefusedNotAppliedToSomeoneElse() throws Exception {
        ConsoleClient captain = new ConsoleClient(gw);
        captain.login(CAPTAIN);
        Map<String, String> form = new java.util.HashMap<>(grandpaSwitch(captain, "1"));
        form.put("m", "139****0002");
        HttpResponse<String> stale = captain.post(PAGE, form);
        assertEquals(409, stale.statusCode());
        assertTrue(stale.body().contains("家长名单刚刚变了，请刷新页面后再点。"), stale.body());
        form.put("g", "x");
        assertEquals(400, captain.post(PAGE, form).statusCode());
        form.put("child", "nobody");
        assertEquals(404, captain.post(PAGE, form).statusCode());
        assertFalse(zhangToday().has("voiceFirst"));
    }
}
