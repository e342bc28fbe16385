package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * The season view and the exports over HTTP, after a played day at 永丰小学托管点 (ZT0427, 昭阳区, its
 * season from 2026-07-15): 王小明 comes and is picked up late after his grandmother answers, 李小红's
 * grandmother reports her absent after the no-show alert, 张小刚 never comes and his ladder climbs to the
 * coordinator, and 李小红's grandmother acknowledges the evening's drowning alert. 扎西儿童之家
 * (WX0001) is another county's.
 */
class ReportPagesTest {

    static final String DAYS = "&from=2026-07-14&to=2026-07-16";
    static final String ZHAOYANG = "county:昭阳区";

    GatewayUnderTest gw;
    ConsoleClient coordinator;
    final ObjectMapper json = new ObjectMapper();

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The day described above, played by staff, guardians and the safety loop; the clock left at 18:00. */
    static void aPlayedDay(GatewayUnderTest gw) throws Exception {
        gw.clock.set(GatewayUnderTest.at("2026-07-14", "18:00"));
        ok(gw.admin("PUT", "/api/sites/ZT0427/schedule", "{\"days\":\"12345\",\"from\":\"2026-07-15\",\"to\":\"2026-08-21\"}"));
        CountyPagesTest.twoCounties(gw); // WX0001 in 威信县 with its own coordinator; the clock at 08:05 on the 15th
        gw.text(VOLUNTEER, "到 1");
        gw.tick("08:30"); // no-shows: 李小红, 张小刚 (and 陈小兰 at WX0001)
        gw.at("08:40");
        gw.text(LI_GRANDMA, "2");
        gw.tick("08:45");
        gw.tick("09:00"); // 张小刚's ladder reaches the coordinator
        gw.tick("17:35"); // the day's drowning alert
        gw.at("17:40");
        gw.text(LI_GRANDMA, "1");
        gw.tick("17:45"); // 王小明 is overdue
        gw.at("17:50");
        gw.text(WANG_GRANDMA, "1");
        gw.at("17:55");
        gw.text(VOLUNTEER, "走 1 奶奶");
        gw.at("18:00");
        gw.sent();
    }

    static void ok(HttpResponse<String> answer) {
        assertTrue(answer.statusCode() / 100 == 2, answer.statusCode() + " " + answer.body());
    }

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        aPlayedDay(gw);
        coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    /** A download as the browser gets it: the bytes as sent, with the session's cookies. */
    private HttpResponse<byte[]> download(ConsoleClient who, String path) throws Exception {
        StringJoiner cookies = new StringJoiner("; ");
        who.cookies().forEach((k, v) -> cookies.add(k + "=" + v));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .header("Cookie", cookies.toString()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The audit log's entries for this change: who made it and the status it got, as "who status". */
    private List<String> audited(String what) throws Exception {
        List<String> found = new java.util.ArrayList<>();
        json.readTree(gw.admin("GET", "/api/audit", null).body()).forEach(e -> {
            if (e.get("what").asText().equals(what)) {
                found.add(e.get("who").asText() + " " + e.get("status").asInt());
            }
        });
        return found;
    }

    private static List<String> rows(byte[] csv) {
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, Arrays.copyOf(csv, 3), "a byte order mark, so Excel reads UTF-8");
        return new String(csv, 3, csv.length - 3, StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theSeasonsChartsGetTheDaysNumbersAndThePageListsThemInATable() throws Exception {
        HttpResponse<String> data = coordinator.get("/console/season/data?scope=" + enc(ZHAOYANG) + DAYS);

        assertEquals(200, data.statusCode(), data.body());
        assertTrue(data.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(json.readTree("""
                {"scope":"county:昭阳区","from":"2026-07-14","to":"2026-07-16","sites":1,
                 "days":["2026-07-14","2026-07-15","2026-07-16"],
                 "series":{"expected":[0,3,null],"arrived":[0,1,null],"absent":[0,1,null],
                           "noShows":[0,2,null],"latePickups":[0,1,null],
                           "reachedCaptain":[0,1,null],"reachedCoordinator":[0,1,null],
                           "ackRate":[null,0.25,null],"ackExpected":[0,4,null],"acked":[0,1,null]}}"""),
                json.readTree(data.body()), "the season starts on the 15th; the 16th is still to come");
        assertEquals(json.readTree(gw.admin("GET", "/api/reports/season?county=" + enc("昭阳区") + DAYS, null).body()),
                json.readTree(data.body()), "the same report as the admin API's");

        HttpResponse<String> page = coordinator.get("/console/season");
        assertEquals(200, page.statusCode(), page.body());
        String html = page.body();
        assertTrue(html.contains("<h1>季度统计 · 昭阳区</h1>"), html);
        assertTrue(html.contains("value=\"2026-07-15\"") && html.contains("value=\"2026-08-21\""), "the schedule's season: " + html);
        assertTrue(html.replace("&#61;", "=").replace("&amp;", "&").contains(
                "data-src=\"/console/season/data?scope=county%3A%E6%98%AD%E9%98%B3%E5%8C%BA&from=2026-07-15&to=2026-08-21\""), html);
        assertTrue(html.contains("<script src=\"/console/static/uPlot.iife.min.js\" defer></script>")
                && html.contains("<script src=\"/console/static/season.js\" defer></script>"), html);
        assertTrue(html.contains("<tr data-date=\"2026-07-15\"><th scope=\"row\"><time datetime=\"2026-07-15\">7/15 <small>周三</small></time></th>"
                + "<td>3</td><td>1</td><td>1</td><td>2</td><td>1</td><td>1</td><td>1</td><td>25% <small>1/4</small></td></tr>"), html);
        assertFalse(html.contains("data-date=\"2026-07-16\""), "no row for a day still to come");
        assertTrue(html.contains("<a href=\"/console/exports\">导出</a>"), "the nav links the exports");
        assertEquals(200, coordinator.get("/console/static/season.js").statusCode());

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertFalse(audit.contains("/console/season"), "counts name no one: not audited like an export");
    }

    @Test
    void theLedgerAndTheEscalationsDownloadInUtf8WithABomUnderAChineseNameAndAreAudited() throws Exception {
        HttpResponse<String> page = coordinator.get("/console/exports");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<option value=\"site:ZT0427\">永丰小学托管点（ZT0427）</option>"), page.body());
        assertFalse(page.body().contains("WX0001"), "another county's sites are not offered");

        HttpResponse<byte[]> csv = download(coordinator, "/console/exports/attendance.csv?scope=site%3AZT0427&from=2026-07-14&to=2026-07-16");
        assertEquals(200, csv.statusCode(), new String(csv.body(), StandardCharsets.UTF_8));
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"attendance-2026-07-14-2026-07-16.csv\"; filename*=UTF-8''"
                        + URLEncoder.encode("考勤台账-永丰小学托管点（ZT0427）-2026-07-14至2026-07-16.csv", StandardCharsets.UTF_8),
                csv.headers().firstValue("Content-Disposition").orElse(""));
        assertEquals(List.of(
                "日期,区县,托管点编号,托管点,编号,姓名,状态,到达,离开,接走人,要求护送",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,1,王小明,已接走,08:05,17:55,奶奶,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,2,李小红,请假,,,,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,,,,"),
                rows(csv.body()));

        csv = download(coordinator, "/console/exports/escalations.csv?scope=" + enc(ZHAOYANG) + DAYS);
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Disposition").orElse("").endsWith(
                URLEncoder.encode("升级记录-昭阳区-2026-07-14至2026-07-16.csv", StandardCharsets.UTF_8)));
        assertEquals(List.of(
                "日期,区县,托管点编号,托管点,编号,姓名,类型,发起并告知监护人,告知队长,告知协调员,结束时间,结束方式",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,2,李小红,未到,08:30,,,08:40,监护人回2：今天不来",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,08:30,08:45,09:00,09:00,无人回复，升级结束",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,1,王小明,逾期未接,17:45,,,17:50,监护人回1：马上来接"),
                rows(csv.body()), "陈小兰's no-show at WX0001 is 威信县's");

        csv = download(coordinator, "/console/exports/acknowledgements.csv?scope=" + enc(ZHAOYANG) + DAYS);
        assertEquals(200, csv.statusCode());
        List<String> acks = rows(csv.body());
        assertEquals(5, acks.size(), "the header and the four guardians of the drowning alert: " + acks);
        assertTrue(acks.contains("a-ZT0427-2026-07-15,2026-07-15 17:35,托管点ZT0427,防溺水,ZT0427,永丰小学托管点,2李小红,外婆,"
                + "139 1234 0002,短信,2026-07-15 17:40"), acks.toString());

        for (String what : List.of("attendance.csv?scope=site:ZT0427", "escalations.csv?scope=county:昭阳区",
                "acknowledgements.csv?scope=county:昭阳区")) {
            assertEquals(List.of("coordinator 135****0001 200"), audited("GET /console/exports/" + what + DAYS),
                    "who read which children's records is in the audit log");
        }
    }

    @Test
    void anotherCountysSitesAndTheCityAre403AndStaffHaveNeitherPage() throws Exception {
        for (String path : List.of(
                "/console/exports/attendance.csv?scope=site%3AWX0001" + DAYS,
                "/console/exports/escalations.csv?scope=site%3AWX0001" + DAYS,
                "/console/exports/acknowledgements.csv?scope=" + enc("county:威信县") + DAYS,
                "/console/season?scope=" + enc("county:威信县"),
                "/console/season/data?scope=" + enc("county:威信县") + DAYS,
                "/console/season/data?scope=site%3AWX0001" + DAYS,
                "/console/season/data?scope=city" + DAYS)) {
            HttpResponse<String> answer = coordinator.get(path);
            assertEquals(403, answer.statusCode(), path);
            assertFalse(answer.body().contains("陈小兰") || answer.body().contains("扎西儿童之家"), path);
        }
        assertEquals(List.of("coordinator 135****0001 403"), audited("GET /console/exports/attendance.csv?scope=site:WX0001" + DAYS),
                "a refused download is audited too");

        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        for (String path : List.of("/console/season", "/console/season/data", "/console/exports",
                "/console/exports/attendance.csv?scope=site%3AZT0427" + DAYS)) {
            assertEquals(403, volunteer.get(path).statusCode(), path);
        }
        assertFalse(volunteer.get("/console/sites/ZT0427").body().contains("/console/exports"), "no 导出 in staff's nav");
    }

    @Test
    void aQuestionThePagesCannotAnswerIsA400PageThatSaysWhatToChange() throws Exception {
        String site = "/console/exports/attendance.csv?scope=site%3AZT0427";
        for (String[] bad : List.of(
                new String[] {site + "&from=2026-13-01&to=2026-07-16", "400", "开始日期要写成 2026-07-01 这样的日期，“2026-13-01”不是。"},
                new String[] {site + "&from=2026-07-16&to=2026-07-15", "400", "结束日期（2026-07-15）早于开始日期（2026-07-16），请改一下。"},
                new String[] {site + "&from=2026-01-01&to=2026-12-31", "400", "一次最多124天，2026-01-01到2026-12-31是365天，请缩短日期范围。"},
                new String[] {site + "&to=2026-07-16", "400", "请填写开始日期，例如 2026-07-01。"},
                new String[] {"/console/exports/escalations.csv?scope=nonsense" + DAYS, "400", "请从列表里选择托管点或区县。"},
                new String[] {"/console/exports/escalations.csv?scope=site%3AZT0427%3Aroster" + DAYS, "400", "请从列表里选择托管点或区县。"},
                new String[] {"/console/exports/escalations.csv?scope=site%3AZT9999" + DAYS, "404", "没有找到这个范围里的托管点。"},
                new String[] {"/console/season?scope=" + enc(ZHAOYANG) + "&from=2026-07-01&to=yesterday", "400",
                        "结束日期要写成 2026-07-01 这样的日期，“yesterday”不是。"},
                new String[] {"/console/season/data?scope=" + enc(ZHAOYANG) + "&from=2026-01-01&to=2026-12-31", "400",
                        "一次最多124天"})) {
            HttpResponse<String> answer = coordinator.get(bad[0]);
            assertEquals(Integer.parseInt(bad[1]), answer.statusCode(), bad[0] + ": " + answer.body());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), bad[0]);
            assertTrue(answer.body().contains(bad[2]), bad[0] + ": " + answer.body());
        }
    }

    @Test
    void aCityAdminSeesTheCityAndChoosesACounty() throws Exception {
        ok(gw.admin("PUT", "/api/city-admins/" + CountyPagesTest.CITY_ADMIN, "{\"name\":\"市教育局王科长\"}"));
        ConsoleClient city = new ConsoleClient(gw);
        city.login(CountyPagesTest.CITY_ADMIN);

        HttpResponse<String> page = city.get("/console/season?from=2026-07-14&to=2026-07-16");
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("<h1>季度统计 · 全市</h1>"), page.body());
        assertTrue(page.body().contains("<option value=\"county:威信县\">威信县</option>")
                && page.body().contains("<option value=\"county:昭阳区\">昭阳区</option>"), page.body());
        assertTrue(page.body().contains("<time datetime=\"2026-07-15\">7/15 <small>周三</small></time></th><td>4</td><td>1</td>"),
                "both sites' children on the 15th: 4 expected, 1 came: " + page.body());
        assertEquals(List.of(1, 0), List.of(
                json.readTree(city.get("/console/season/data?scope=" + enc("county:威信县") + "&from=2026-07-15&to=2026-07-15").body())
                        .get("series").get("noShows").get(0).asInt(),
                json.readTree(city.get("/console/season/data?scope=" + enc("county:威信县") + "&from=2026-07-15&to=2026-07-15").body())
                        .get("series").get("arrived").get(0).asInt()));

        HttpResponse<String> exports = city.get("/console/exports");
        assertTrue(exports.body().contains("<optgroup label=\"威信县\">") && exports.body().contains("<optgroup label=\"昭阳区\">"),
                exports.body());
        assertEquals(400, city.get("/console/exports/attendance.csv" + DAYS.replaceFirst("&", "?")).statusCode(),
                "the exports are per site or county: a city admin chooses one");
        assertEquals(200, download(city, "/console/exports/attendance.csv?scope=site%3AWX0001" + DAYS).statusCode());
    }
}
