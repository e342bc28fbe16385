package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * The county coordinator's reports, read from two days of two sites as staff, guardians and the
 * safety loop made them: at 永丰小学托管点 (ZT0427, 昭阳区, its season from 2026-07-15) 李小红 is
 * reported absent after her no-show alert, 张小刚 never comes and his ladder climbs to the
 * coordinator, 王小明 is picked up late after his grandmother answers; at 河边村儿童之家 (ZT0501,
 * 威信县, no staff, no coordinator) 赵小华 is never checked in, so her ladders climb to nobody. Each
 * site's drowning alert goes out at 17:35, and on the 16th at 10:00 the coordinator's alert to the
 * whole city: 李小红's grandmother acknowledges the first, 王小明's father the city's.
 */
class CoordinatorReportsTest {

    static final String COUNTY = URLEncoder.encode("昭阳区", StandardCharsets.UTF_8);
    static final String ZHAO_GRANDMA = "+8613912340009";
    static final String CITY_REQUEST = "console-0002abcd";
    static final String CITY_ALERT = "a-req-" + CITY_REQUEST;

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void twoSiteDays() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.clock.set(GatewayUnderTest.at("2026-07-14", "18:00"));
        ok(gw.admin("PUT", "/api/counties/昭阳区/coordinator", "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘主任\"}"));
        ok(gw.admin("PUT", "/api/sites/ZT0427/schedule", "{\"days\":\"12345\",\"from\":\"2026-07-15\",\"to\":\"2026-08-21\"}"));
        ok(gw.admin("PUT", "/api/sites/ZT0501",
                "{\"name\":\"河边村儿童之家\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:30\"}"));
        ok(gw.admin("POST", "/api/sites/ZT0501/children",
                "{\"name\":\"赵小华\",\"guardians\":[{\"phone\":\"" + ZHAO_GRANDMA + "\",\"relation\":\"奶奶\"}]}"));

        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        tick("2026-07-15", "08:30"); // no-show ladders: 李小红, 张小刚, 赵小华
        gw.at("08:40");
        gw.text(LI_GRANDMA, "2");
        tick("2026-07-15", "08:45");
        tick("2026-07-15", "09:00");
        tick("2026-07-15", "17:35"); // the day's drowning alerts
        gw.at("17:40");
        gw.text(LI_GRANDMA, "1"); // acknowledges it
        tick("2026-07-15", "17:45"); // 王小明 is overdue
        gw.at("17:50");
        gw.text(WANG_GRANDMA, "1"); // answers the overdue alert: not an acknowledgement
        gw.at("17:55");
        gw.text(VOLUNTEER, "走 1 奶奶");

        gw.clock.set(GatewayUnderTest.at("2026-07-16", "08:05"));
        gw.text(VOLUNTEER, "到 1 2 3");
        tick("2026-07-16", "08:30");
        tick("2026-07-16", "08:45");
        tick("2026-07-16", "09:00");
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "10:00"));
        ok(gw.admin("POST", "/api/alerts", "{\"scope\":\"city\",\"text\":\"暴雨后河水上涨，今晚不要去河边。\",\"requestId\":\"" + CITY_REQUEST + "\"}"));
        gw.gateway.expandAlerts();
        gw.gateway.drainOutbox();
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "10:05"));
        gw.text(WANG_FATHER, "1"); // acknowledges the city's alert
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "17:10"));
        gw.text(VOLUNTEER, "走 1 2 3");
        tick("2026-07-16", "17:35");
        gw.sent();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private void tick(String date, String time) {
        gw.clock.set(GatewayUnderTest.at(date, time));
        gw.gateway.runSafety();
        gw.gateway.drainOutbox();
    }

    private static void ok(HttpResponse<String> answer) {
        assertTrue(answer.statusCode() / 100 == 2, answer.statusCode() + " " + answer.body());
    }

    private List<String> csvLines(String path) throws Exception {
        HttpResponse<String> csv = gw.admin("GET", path, null);
        assertEquals(200, csv.statusCode(), csv.body());
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElse(""));
        assertTrue(csv.body().startsWith("\uFEFF"), "a byte order mark, so Excel reads UTF-8");
        return csv.body().substring(1).lines().toList();
    }

    @Test
    void theEscalationsOfACountyHaveEachStepsTimeAndHowTheyEnded() throws Exception {
        HttpResponse<String> csv = gw.admin("GET", "/api/exports/escalations.csv?county=" + COUNTY + "&from=2026-07-14&to=2026-07-16", null);
        assertEquals("attachment; filename=\"escalations-2026-07-14-2026-07-16.csv\"",
                csv.headers().firstValue("Content-Disposition").orElse(""));

        assertEquals(List.of(
                "日期,区县,托管点编号,托管点,编号,姓名,类型,发起并告知监护人,告知队长,告知协调员,结束时间,结束方式",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,2,李小红,未到,08:30,,,08:40,监护人回2：今天不来",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,08:30,08:45,09:00,09:00,无人回复，升级结束",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,1,王小明,逾期未接,17:45,,,17:50,监护人回1：马上来接"),
                csvLines("/api/exports/escalations.csv?county=" + COUNTY + "&from=2026-07-14&to=2026-07-16"),
                "威信县's site is not in 昭阳区; on the 16th every child came and went");

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("GET /api/exports/escalations.csv?county=昭阳区&from=2026-07-14&to=2026-07-16"),
                "who read which children's escalations is in the audit log: " + audit);
    }

    @Test
    void aStepWithNobodyToTellSaysSo() throws Exception {
        assertEquals(List.of(
                "日期,区县,托管点编号,托管点,编号,姓名,类型,发起并告知监护人,告知队长,告知协调员,结束时间,结束方式",
                "2026-07-15,威信县,ZT0501,河边村儿童之家,1,赵小华,未到,08:30,08:45 无队长可告知,09:00 未设协调员,09:00,无人回复，升级结束",
                "2026-07-16,威信县,ZT0501,河边村儿童之家,1,赵小华,未到,08:30,08:45 无队长可告知,09:00 未设协调员,09:00,无人回复，升级结束"),
                csvLines("/api/exports/escalations.csv?site=ZT0501&from=2026-07-15&to=2026-07-16"));
    }

    @Test
    void aSitesAcknowledgementsHaveARowPerGuardianOfEachAlertWithAPhoneToCall() throws Exception {
        String site = "永丰小学托管点";
        String first = "a-ZT0427-2026-07-15,2026-07-15 17:35,托管点ZT0427,防溺水,ZT0427," + site + ",";
        String city = CITY_ALERT + ",2026-07-16 10:00,全市,防溺水,ZT0427," + site + ",";
        String second = "a-ZT0427-2026-07-16,2026-07-16 17:35,托管点ZT0427,防溺水,ZT0427," + site + ",";
        assertEquals(List.of(
                "提醒编号,发送时间,范围,类型,托管点编号,托管点,孩子,关系,电话,渠道,确认时间",
                first + "1王小明,爸爸,137 1234 0000,短信,",
                first + "1王小明,奶奶,139 1234 5678,短信,",
                first + "2李小红,外婆,139 1234 0002,短信,2026-07-15 17:40",
                first + "3张小刚,爷爷,139 1234 0003,短信,",
                city + "1王小明,爸爸,137 1234 0000,短信,2026-07-16 10:05",
                city + "1王小明,奶奶,139 1234 5678,短信,",
                city + "2李小红,外婆,139 1234 0002,短信,",
                city + "3张小刚,爷爷,139 1234 0003,短信,",
                second + "1王小明,爸爸,137 1234 0000,短信,",
                second + "1王小明,奶奶,139 1234 5678,短信,",
                second + "2李小红,外婆,139 1234 0002,短信,",
                second + "3张小刚,爷爷,139 1234 0003,短信,"),
                csvLines("/api/exports/acknowledgements.csv?site=ZT0427&from=2026-07-15&to=2026-07-16"),
                "奶奶's 1 on the 15th answered 王小明's overdue alert, not the drowning alert; of the city's alert only "
                        + "this site's guardians; ZT0501's own alerts are not this site's");

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("GET /api/exports/acknowledgements.csv?site=ZT0427&from=2026-07-15&to=2026-07-16"), audit);
    }

    @Test
    void oneAlertsAcknowledgementsListEveryRecipientOfItsScope() throws Exception {
        List<String> rows = csvLines("/api/exports/acknowledgements.csv?alert=" + CITY_ALERT);

        assertEquals(6, rows.size(), "the header and the five guardians of the city: " + rows);
        assertEquals(CITY_ALERT + ",2026-07-16 10:00,全市,防溺水,ZT0501,河边村儿童之家,1赵小华,奶奶,139 1234 0009,短信,", rows.get(5));
    }

    @Test
    void aStaffBroadcastIsNotAcknowledgedSoNotListed() throws Exception {
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "17:40"));
        gw.text(CAPTAIN, "通知 明天上午下雨，请带伞");
        gw.gateway.expandAlerts();
        String broadcast = gw.redis().get("sh:site:ZT0427:broadcast");

        HttpResponse<String> answer = gw.admin("GET", "/api/exports/acknowledgements.csv?alert=" + broadcast, null);

        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().contains(broadcast + " is a staff broadcast, which guardians do not acknowledge"), answer.body());
        assertTrue(csvLines("/api/exports/acknowledgements.csv?site=ZT0427&from=2026-07-16&to=2026-07-16").stream()
                .noneMatch(row -> row.startsWith(broadcast)));
    }

    @Test
    void aCountysSeasonDayByDayIsReadyForACharts() throws Exception {
        HttpResponse<String> answer = gw.admin("GET", "/api/reports/season?county=" + COUNTY + "&from=2026-07-14&to=2026-07-17", null);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(json.readTree("""
                {"scope":"county:昭阳区","from":"2026-07-14","to":"2026-07-17","sites":1,
                 "days":["2026-07-14","2026-07-15","2026-07-16","2026-07-17"],
                 "series":{"expected":[0,3,3,null],"arrived":[0,1,3,null],"absent":[0,1,0,null],
                           "noShows":[0,2,0,null],"latePickups":[0,1,0,null],
                           "reachedCaptain":[0,1,0,null],"reachedCoordinator":[0,1,0,null],
                           "ackRate":[null,0.25,0.125,null],"ackExpected":[0,4,8,null],"acked":[0,1,1,null]}}"""),
                json.readTree(answer.body()), "the season starts on the 15th; the 17th is still to come; on the 16th the "
                        + "city's alert counts for this county's four guardians, of whom one answered");
        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(!audit.contains("/api/reports/season"), "counts name no one: not audited like an export");
    }

    @Test
    void theWholeCitysSeasonAddsEverySite() throws Exception {
        JsonNode season = json.readTree(gw.admin("GET", "/api/reports/season?city=all&from=2026-07-15&to=2026-07-16", null).body());

        assertEquals(json.readTree("""
                {"expected":[4,4],"arrived":[1,3],"absent":[1,0],"noShows":[3,1],"latePickups":[1,0],
                 "reachedCaptain":[2,1],"reachedCoordinator":[2,1],"ackRate":[0.2,0.1],"ackExpected":[5,10],"acked":[1,1]}"""),
                season.get("series"), "赵小华's ladders climb to steps with nobody to tell: they climbed all the same");
        assertEquals("city", season.get("scope").asText());
        assertEquals(2, season.get("sites").asInt());
        assertEquals(405, gw.admin("POST", "/api/reports/season?city=all&from=2026-07-15&to=2026-07-16", "{}").statusCode());
    }

    @Test
    void theJavaReportsAreWhatTheApiServes() {
        org.shouhu.gateway.report.Reports reports = gw.gateway.reports();
        org.shouhu.gateway.report.ReportRange range = reports.range(null, "ZT0501", null, "2026-07-15", "2026-07-16");

        assertEquals(java.util.Arrays.asList(0.0, 0.0), reports.season(range).ackRate(), "its one guardian answered nothing");
        assertEquals(2, reports.escalations(range).size());
        assertEquals(List.of(ZHAO_GRANDMA, ZHAO_GRANDMA, ZHAO_GRANDMA), reports.acknowledgements(range).stream()
                .map(row -> row.address().value()).toList(), "its two drowning alerts and the city's");
    }

    /** What each report refuses, and the reason it gives: what to change. */
    record Bad(String path, int status, String reason) {
    }

    @Test
    void aRequestItCannotAnswerSaysWhatToChange() throws Exception {
        for (Bad bad : List.of(
                new Bad("exports/escalations.csv?from=2026-07-15&to=2026-07-15", 400, "give either county=… or site=…, not both and not neither"),
                new Bad("exports/escalations.csv?site=ZT0427&to=2026-07-15", 400, "from is required: a date like 2026-07-01"),
                new Bad("exports/escalations.csv?site=ZT0427&from=2026-07-16&to=2026-07-15", 400, "to (2026-07-15) is before from (2026-07-16)"),
                new Bad("exports/escalations.csv?site=ZT0427&from=2026-01-01&to=2026-12-31", 400, "at most 124 days in one export, not 365"),
                new Bad("exports/escalations.csv?site=ZT9999&from=2026-07-15&to=2026-07-15", 404, "no site ZT9999"),
                new Bad("exports/escalations.csv?county=nowhere&from=2026-07-15&to=2026-07-15", 404, "no sites in county nowhere"),
                new Bad("exports/acknowledgements.csv", 400, "give alert=… for one alert, or county=… or site=… with from= and to= for the alerts of those days"),
                new Bad("exports/acknowledgements.csv?alert=a-none", 404, "no alert a-none"),
                new Bad("exports/acknowledgements.csv?alert=a-ZT0427-2026-07-15:to", 400, "alert must be an alert id (letters, digits, - or _, like a-ZT0427-2026-07-15), not a-ZT0427-2026-07-15:to"),
                new Bad("exports/acknowledgements.csv?alert=a-none&site=ZT0427", 400, "give alert=… alone, or county=… or site=… with from= and to=, not both"),
                new Bad("exports/acknowledgements.csv?site=ZT0427&from=2026-07-15", 400, "to is required: a date like 2026-07-01"),
                new Bad("exports/acknowledgements.csv?county=nowhere&from=2026-07-15&to=2026-07-15", 404, "no sites in county nowhere"),
                new Bad("reports/season?from=2026-07-15&to=2026-07-15", 400, "give one of county=…, site=… or city=all, not several and not none"),
                new Bad("reports/season?city=all&site=ZT0427&from=2026-07-15&to=2026-07-15", 400, "give one of county=…, site=… or city=all, not several and not none"),
                new Bad("reports/season?city=yes&from=2026-07-15&to=2026-07-15", 400, "city=all is the whole city's report, not city=yes; for a county give county=…"),
                new Bad("reports/season?site=ZT0427&from=2026-07-15", 400, "to is required: a date like 2026-07-01"),
                new Bad("reports/season?site=ZT0427&from=2026-01-01&to=2026-12-31", 400, "at most 124 days in one report, not 365"),
                new Bad("reports/season?site=ZT9999&from=2026-07-15&to=2026-07-15", 404, "no site ZT9999"),
                new Bad("reports/season?county=nowhere&from=2026-07-15&to=2026-07-15", 404, "no sites in county nowhere"))) {
            HttpResponse<String> answer = gw.admin("GET", "/api/" + bad.path(), null);

            assertEquals(bad.status(), answer.statusCode(), bad + ": " + answer.body());
            assertEquals(bad.reason(), json.readTree(answer.body()).get("error").asText(), bad.toString());
        }
    }
}
