package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.StoredMessage;

/**
 * A site's broadcast page: the whole SMS counted as carriers bill it, the notice sent as {@code 通知 …}
 * to every guardian of the site and nobody else, once per form; refused with a reason for a web
 * address, a missing form token or another site's staff; a coordinator sends for their county's sites;
 * its progress as {@code 进度} tells it.
 */
class BroadcastPageTest {

    static final String PAGE = "/console/sites/ZT0427/broadcast";
    static final String SIG = "【守护托管】";
    /** What the notice template puts in front of the text for this site (with the signature: 16 characters). */
    static final String BEFORE = SIG + "永丰小学托管点通知：";
    static final String OTHER_VOLUNTEER = "+8613800000009";
    static final String OTHER_GRANDMA = "+8613912349999";
    static final List<String> GUARDIANS = List.of(WANG_GRANDMA, WANG_FATHER, LI_GRANDMA, ZHANG_GRANDPA);

    GatewayUnderTest gw;
    ConsoleClient volunteer;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw); // WX0001 in another county, with a grandmother of its own
        gw.admin("POST", "/api/sites/WX0001/staff", "{\"phone\":\"" + OTHER_VOLUNTEER + "\",\"name\":\"赵志愿者\",\"role\":\"volunteer\"}");
        volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        gw.sent();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    /** A notice of {@code n} characters. */
    static String notice(int n) {
        String words = "明天下雨，请家长八点前把孩子送到托管点，下午五点半接回，路上注意安全，不要走河边小路。谢谢配合！";
        StringBuilder b = new StringBuilder();
        while (b.length() < n) {
            b.append(words);
        }
        return b.substring(0, n);
    }

    @Test
    void theCounterCountsTheWholeSmsWithSignatureAndTemplate() throws Exception {
        assertEquals(16, BEFORE.length());
        HttpResponse<String> empty = volunteer.get(PAGE);
        assertEquals(200, empty.statusCode());
        assertTrue(empty.body().contains("整条短信16字，按1条计费"), empty.body());
        assertTrue(empty.body().contains("data-before=\"" + BEFORE + "\""), "the script counts the same words around the text");

        HttpResponse<String> seventy = volunteer.post(PAGE, Map.of("text", notice(54), "preview", "1"));
        assertEquals(200, seventy.statusCode());
        assertTrue(seventy.body().contains("整条短信70字，按1条计费"), seventy.body());
        assertTrue(seventy.body().contains("<p class=\"phone-preview\" id=\"preview\">" + BEFORE + notice(54) + "</p>"), seventy.body());

        HttpResponse<String> seventyOne = volunteer.post(PAGE, Map.of("text", "  " + notice(55) + "\r\n", "preview", "1"));
        assertTrue(seventyOne.body().contains("整条短信71字，按2条计费"), "stripped as the SMS path strips it: " + seventyOne.body());
        HttpResponse<String> three = volunteer.post(PAGE, Map.of("text", notice(202 - 16), "preview", "1"));
        assertTrue(three.body().contains("整条短信202字，按4条计费，超出1字，请删减"), three.body());

        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent(), "a preview sends nothing");
    }

    @Test
    void sendingReachesEveryGuardianOfTheSiteWithTheExactSmsAndNobodyElse() throws Exception {
        String text = "明天下雨，请8点前送到 下午5点半接"; // the line break as the SMS command reads it: one space
        volunteer.get(PAGE);
        HttpResponse<String> sent = volunteer.post(PAGE, Map.of("text", "明天下雨，请8点前送到\r\n下午5点半接"));
        assertEquals(303, sent.statusCode(), sent.body());
        assertEquals(PAGE, sent.headers().firstValue("Location").orElseThrow());
        String page = volunteer.get(PAGE).body();
        assertTrue(page.contains("已开始发送4条，约1分钟内发完。回进度查看"), "what 通知 answers by SMS is on the page: " + page);

        gw.gateway.drainOutbox();
        List<GatewayUnderTest.Sms> sms = gw.sent();
        for (String guardian : GUARDIANS) {
            assertEquals(List.of(BEFORE + text), GatewayUnderTest.to(sms, guardian), guardian);
        }
        assertEquals(4, sms.size(), "nobody else: not the other site's grandmother, not the volunteer: " + sms);

        gw.text(CAPTAIN, "通知 明天下雨，请8点前送到\n下午5点半接");
        assertEquals(List.of(BEFORE + text), GatewayUnderTest.to(gw.sent(), WANG_GRANDMA), "the SMS command gives the same text");

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("volunteer 138****0002") && audit.contains("POST " + PAGE), audit);
    }

    @Test
    void aResentFormSendsOnce() throws Exception {
        volunteer.get(PAGE);
        Map<String, String> form = Map.of("text", "明天见");
        assertEquals(303, volunteer.post(PAGE, form).statusCode());
        assertEquals(303, volunteer.post(PAGE, form).statusCode()); // the same form (same tap) again
        assertTrue(volunteer.get(PAGE).body().contains("这条通知已经发过，没有重复发送。"), volunteer.lastPage());
        gw.gateway.drainOutbox();
        assertEquals(List.of(BEFORE + "明天见"), GatewayUnderTest.to(gw.sent(), WANG_GRANDMA));
    }

    @Test
    void aWebAddressIsRefusedWithTheSmsPathsReasonAndTheTextKept() throws Exception {
        volunteer.get(PAGE);
        HttpResponse<String> refused = volunteer.post(PAGE, Map.of("text", "请看 www.example.com 的通知"));
        assertEquals(400, refused.statusCode());
        assertTrue(refused.body().contains("通知里不能有网址，请只写文字。"), refused.body());
        assertTrue(refused.body().contains(">请看 www.example.com 的通知</textarea>"), "the text is kept to be corrected");

        HttpResponse<String> phone = volunteer.post(PAGE, Map.of("text", "有事打13812345678"));
        assertEquals(400, phone.statusCode());
        assertTrue(phone.body().contains("通知里不能有电话号码，请去掉号码再发"), phone.body());

        HttpResponse<String> tooLong = volunteer.post(PAGE, Map.of("text", notice(186)));
        assertEquals(400, tooLong.statusCode());
        assertTrue(tooLong.body().contains("通知太长，请写在185字以内。"), tooLong.body());

        HttpResponse<String> blank = volunteer.post(PAGE, Map.of("text", "  "));
        assertEquals(400, blank.statusCode());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void anotherSitesStaffIsRefused() throws Exception {
        ConsoleClient other = new ConsoleClient(gw);
        other.login(OTHER_VOLUNTEER);
        assertEquals(200, other.get("/console/sites/WX0001/broadcast").statusCode());
        assertEquals(403, other.get(PAGE).statusCode());
        assertEquals(403, other.get(PAGE + "/progress").statusCode());
        assertEquals(403, other.post(PAGE, Map.of("text", "明天见")).statusCode());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void aCoordinatorBroadcastsForASiteOfTheirCountyOnly() throws Exception {
        ConsoleClient coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
        assertEquals(403, coordinator.get("/console/sites/WX0001/broadcast").statusCode(), "another county's site");
        assertEquals(403, coordinator.post("/console/sites/WX0001/broadcast", Map.of("text", "明天见")).statusCode());
        assertEquals(200, coordinator.get(PAGE).statusCode());
        HttpResponse<String> sent = coordinator.post(PAGE, Map.of("text", "明天见"));
        assertEquals(303, sent.statusCode(), sent.body());
        assertTrue(coordinator.get(PAGE).body().contains("已开始发送4条"), coordinator.lastPage());

        gw.gateway.drainOutbox();
        List<GatewayUnderTest.Sms> sms = gw.sent();
        for (String guardian : GUARDIANS) {
            assertEquals(List.of(BEFORE + "明天见"), GatewayUnderTest.to(sms, guardian), guardian);
        }
        assertEquals(4, sms.size(), "the coordinator sees the answer on the page; WX0001's grandmother gets nothing: " + sms);
        gw.text(CAPTAIN, "进度");
        assertEquals(List.of(SIG + "通知4条：已发4。全部发完了。"), GatewayUnderTest.to(gw.sent(), CAPTAIN),
                "the site's staff see it as the site's latest broadcast");
        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("coordinator 135****0001") && audit.contains("POST " + PAGE), audit);
    }

    @Test
    void aFormWithoutItsTokenIsRefused() throws Exception {
        volunteer.get(PAGE);
        HttpResponse<String> forged = volunteer.postRaw(PAGE, Map.of("text", "明天见", "tap", "x"));
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("表单已过期"), forged.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void theProgressIsWhat进度Tells() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode none = json.readTree(volunteer.get(PAGE + "/progress").body());
        assertEquals(false, none.get("any").asBoolean());

        volunteer.get(PAGE);
        volunteer.post(PAGE, Map.of("text", "明天见"));
        JsonNode pending = json.readTree(volunteer.get(PAGE + "/progress").body());
        assertEquals("pending", pending.get("state").asText());
        assertEquals(BEFORE + "明天见", pending.get("text").asText());

        gw.gateway.expandAlerts();
        JsonNode queued = json.readTree(volunteer.get(PAGE + "/progress").body());
        assertEquals("sending", queued.get("state").asText());
        assertEquals(4, queued.get("recipients").asInt());
        assertEquals(4, queued.get("queued").asInt());
        assertEquals("约1分钟内发完", queued.get("finish").asText(), "unpaced: within a minute");

        gw.gateway.drainOutbox();
        gw.sent();
        String id = gw.redis().get("sh:site:ZT0427:broadcast");
        StoredMessage first = gw.gateway.messages().loadAll(gw.gateway.safetyStore().alertMessageIds(id)).get(0);
        assertEquals(200, gw.status(first, "delivered"));
        JsonNode done = json.readTree(volunteer.get(PAGE + "/progress").body());
        assertEquals("done", done.get("state").asText());
        assertEquals(0, done.get("queued").asInt());
        assertEquals(3, done.get("sent").asInt());
        assertEquals(1, done.get("delivered").asInt());
        assertEquals(0, done.get("failed").asInt());

        gw.text(VOLUNTEER, "进度");
        assertEquals(List.of(SIG + "通知4条：已发4，送达1。全部发完了。"), GatewayUnderTest.to(gw.sent(), VOLUNTEER));
        String page = volunteer.get(PAGE).body();
        assertTrue(page.contains("<b data-field=\"delivered\">1</b>已送达"), page);
    }
}
