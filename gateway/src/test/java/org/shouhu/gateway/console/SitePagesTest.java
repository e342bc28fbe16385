package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** A site's day in the console: taps act as the SMS commands they stand for, once; nobody reaches another site's children. */
class SitePagesTest {

    static final String OTHER_VOLUNTEER = "+8613800000009";

    GatewayUnderTest gw;
    ConsoleClient volunteer;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.admin("PUT", "/api/sites/WX0001", "{\"name\":\"扎西儿童之家\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:00\"}");
        gw.admin("POST", "/api/sites/WX0001/staff", "{\"phone\":\"" + OTHER_VOLUNTEER + "\",\"name\":\"赵志愿者\",\"role\":\"volunteer\"}");
        gw.admin("POST", "/api/sites/WX0001/children", "{\"name\":\"陈小兰\",\"guardians\":[{\"phone\":\"+8613912349999\",\"relation\":\"奶奶\"}]}");
        gw.at("08:05");
        volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        gw.sent();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void tappingAChildInSendsTheGuardiansTheSameSmsAsTexting到() throws Exception {
        volunteer.get("/console/sites/ZT0427");
        HttpResponse<String> tapped = volunteer.post("/console/sites/ZT0427/in", Map.of("no", "1"));
        assertEquals(303, tapped.statusCode());
        HttpResponse<String> page = volunteer.get("/console/sites/ZT0427");
        assertTrue(page.body().contains("已签到1人：1王小明"), "what 到 1 would have answered by SMS is on the page: " + page.body());
        assertTrue(page.body().contains("08:05到"), page.body());

        gw.gateway.drainOutbox();
        List<GatewayUnderTest.Sms> sent = gw.sent();
        assertEquals(List.of("【守护托管】王小明 08:05 已到永丰小学托管点。回4查询 回0帮助"), GatewayUnderTest.to(sent, WANG_GRANDMA));
        assertEquals(1, GatewayUnderTest.to(sent, WANG_FATHER).size());
        assertEquals(List.of(), GatewayUnderTest.to(sent, VOLUNTEER), "the staff member sees the answer on the page, not by SMS");

        gw.text(VOLUNTEER, "到 2");
        assertEquals(List.of("【守护托管】李小红 08:05 已到永丰小学托管点。回4查询 回0帮助"),
                GatewayUnderTest.to(gw.sent(), GatewayUnderTest.LI_GRANDMA), "the SMS command gives the same text");
    }

    @Test
    void markingAChildAbsentTellsItsGuardiansAndNoNoShowAlertFollows() throws Exception {
        volunteer.get("/console/sites/ZT0427");
        assertEquals(303, volunteer.post("/console/sites/ZT0427/absent", Map.of("no", "3")).statusCode());
        assertTrue(volunteer.get("/console/sites/ZT0427").body().contains("已记1人今天请假：3张小刚"), volunteer.lastPage());
        gw.gateway.drainOutbox();
        assertEquals(List.of("【守护托管】张小刚今天已记为请假（永丰小学托管点登记）。有误请回4查询或联系老师。"),
                GatewayUnderTest.to(gw.sent(), GatewayUnderTest.ZHANG_GRANDPA));

        gw.tick("08:31"); // the no-show check, 30 minutes after opening
        List<String> grandpa = GatewayUnderTest.to(gw.sent(), GatewayUnderTest.ZHANG_GRANDPA);
        assertEquals(List.of(), grandpa, "no no-show alert for a child recorded absent");
    }

    @Test
    void staffTextTheSameWith缺AndAChildAlreadyInKeepsItsRecord() throws Exception {
        gw.text(VOLUNTEER, "到 1");
        gw.sent();
        gw.text(VOLUNTEER, "缺 1");
        assertEquals(List.of("【守护托管】这些孩子已签到或已接走，没有记请假。"), GatewayUnderTest.to(gw.sent(), VOLUNTEER));
        gw.text(VOLUNTEER, "缺 2 3");
        assertEquals(List.of("【守护托管】已记2人今天请假：2李小红 3张小刚。"), GatewayUnderTest.to(gw.sent(), VOLUNTEER));
        gw.text(VOLUNTEER, "缺");
        assertEquals(List.of("【守护托管】记请假请发：缺 名单号，如 缺 3 5"), GatewayUnderTest.to(gw.sent(), VOLUNTEER));
    }

    @Test
    void aDoubleTapOrAResentFormActsOnce() throws Exception {
        volunteer.get("/console/sites/ZT0427");
        volunteer.post("/console/sites/ZT0427/in", Map.of("no", "1"));
        volunteer.post("/console/sites/ZT0427/in", Map.of("no", "1"));
        gw.gateway.drainOutbox();
        assertEquals(1, GatewayUnderTest.to(gw.sent(), WANG_GRANDMA).size());
    }

    @Test
    void checkingOutWithWhoCollectedTheChild() throws Exception {
        gw.text(VOLUNTEER, "到 1");
        gw.sent();
        gw.at("17:20");
        volunteer.get("/console/sites/ZT0427");
        assertEquals(303, volunteer.post("/console/sites/ZT0427/out", Map.of("no", "1", "by", "爷爷")).statusCode());
        gw.gateway.drainOutbox();
        List<String> grandma = GatewayUnderTest.to(gw.sent(), WANG_GRANDMA);
        assertEquals(1, grandma.size());
        assertTrue(grandma.get(0).contains("爷爷"), grandma.get(0));
        assertTrue(volunteer.get("/console/sites/ZT0427").body().contains("17:20走"));
    }

    @Test
    void aFormWithoutItsTokenIsRefusedAndChangesNothing() throws Exception {
        volunteer.get("/console/sites/ZT0427");
        HttpResponse<String> forged = volunteer.postRaw("/console/sites/ZT0427/in", Map.of("no", "1", "tap", "x"));
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("表单已过期"), forged.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), WANG_GRANDMA));
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({
            "GET,  /console/sites/WX0001,       403",
            "GET,  /console/sites/WX0001/card,  403",
            "POST, /console/sites/WX0001/in,    403",
            "GET,  /console/sites/NOPE01,       404",
            "POST, /console/sites/ZT0427/in,    303",
    })
    void aVolunteerReachesOnlyTheirOwnSite(String method, String path, int status) throws Exception {
        volunteer.get("/console/sites/ZT0427");
        HttpResponse<String> answer = method.equals("GET") ? volunteer.get(path) : volunteer.post(path, Map.of("no", "1"));
        assertEquals(status, answer.statusCode(), answer.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), "+8613912349999"), "nothing reached the other site's family");
    }

    @Test
    void aCoordinatorReadsTheirCountysSitesButTheTapsAreStaffs() throws Exception {
        gw.admin("PUT", "/api/counties/昭阳区/coordinator".replace("昭阳区", java.net.URLEncoder.encode("昭阳区", java.nio.charset.StandardCharsets.UTF_8)),
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘协调员\"}");
        ConsoleClient coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
        HttpResponse<String> page = coordinator.get("/console/sites/ZT0427");
        assertEquals(200, page.statusCode());
        assertTrue(!page.body().contains("/console/sites/ZT0427/in"), "no tap buttons for a coordinator");
        assertEquals(403, coordinator.post("/console/sites/ZT0427/in", Map.of("no", "1")).statusCode());
        assertEquals(403, coordinator.get("/console/sites/WX0001").statusCode(), "another county's site");
    }

    @Test
    void everyTapIsInTheAuditLogWithWhoMadeIt() throws Exception {
        volunteer.get("/console/sites/ZT0427");
        volunteer.post("/console/sites/ZT0427/in", Map.of("no", "1"));
        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("volunteer 138****0002") && audit.contains("POST /console/sites/ZT0427/in no=1"), audit);
    }

    @Test
    void theCommandCardHasTheNumberToTextAndEachDigit() throws Exception {
        HttpResponse<String> card = volunteer.get("/console/sites/ZT0427/card");
        assertEquals(200, card.statusCode());
        assertTrue(card.body().contains("<b>10690001</b>") && card.body().contains("今天不来") && card.body().contains("08:00–17:30"),
                card.body());
    }
}
