package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** The attendance ledger (台账) a county hands in, read from what staff texted during a day. */
class AttendanceExportTest {

    static final String COUNTY = URLEncoder.encode("昭阳区", StandardCharsets.UTF_8);

    GatewayUnderTest gw;

    @BeforeEach
    void aDayAtTheSite() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("08:05");
        assertEquals(200, gw.text(VOLUNTEER, "到 1 2"));
        gw.at("17:10");
        assertEquals(200, gw.text(VOLUNTEER, "走 1 奶奶"));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aCountysLedgerHasARowPerChildPerDayTheSiteKeptAttendanceInUtf8WithABom() throws Exception {
        HttpResponse<String> csv = gw.admin("GET", "/api/exports/attendance.csv?county=" + COUNTY + "&from=2026-07-14&to=2026-07-16",
                null);

        assertEquals(200, csv.statusCode(), csv.body());
        assertEquals("text/csv; charset=utf-8", csv.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"attendance-2026-07-14-2026-07-16.csv\"",
                csv.headers().firstValue("Content-Disposition").orElse(""));
        assertTrue(csv.body().startsWith("\uFEFF"), "a byte order mark, so Excel reads UTF-8");
        assertEquals(List.of(
                "日期,区县,托管点编号,托管点,编号,姓名,状态,到达,离开,接走人,要求护送",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,1,王小明,已接走,08:05,17:10,奶奶,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,2,李小红,已到未接走,08:05,,,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,,,,"),
                csv.body().substring(1).lines().toList(), "the 14th and 16th kept no attendance: no rows");

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("GET /api/exports/attendance.csv?county=昭阳区&from=2026-07-14&to=2026-07-16"),
                "who read which ledger is in the audit log: " + audit);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "from=2026-07-15&to=2026-07-15 | 400 | give either county=… or site=…, not both and not neither",
            "site=ZT0427&county=x&from=2026-07-15&to=2026-07-15 | 400 | give either county=… or site=…, not both and not neither",
            "site=ZT0427&to=2026-07-15 | 400 | from is required: a date like 2026-07-01",
            "site=ZT0427&from=15.7.2026&to=2026-07-15 | 400 | from must be a date like 2026-07-01, not 15.7.2026",
            "site=ZT0427&from=2026-07-16&to=2026-07-15 | 400 | to (2026-07-15) is before from (2026-07-16)",
            "site=ZT0427&from=2026-01-01&to=2026-12-31 | 400 | at most 124 days in one export, not 365",
            "site=ZT9999&from=2026-07-15&to=2026-07-15 | 404 | no site ZT9999",
            "site=ZT0427:roster&from=2026-07-15&to=2026-07-15 | 400 | site must be a site code of 2 to 16 letters or digits, like ZT0427, not ZT0427:roster",
            "county=nowhere&from=2026-07-15&to=2026-07-15 | 404 | no sites in county nowhere",
    })
    void aRequestItCannotAnswerSaysWhatToChange(String query, int status, String reason) throws Exception {
        HttpResponse<String> answer = gw.admin("GET", "/api/exports/attendance.csv?" + query, null);

        assertEquals(status, answer.statusCode());
        assertTrue(answer.body().contains(reason), answer.body());
    }

    @Test
    void aChildAddedLaterHasNoRowsForTheDaysBeforeNotAFalseAbsence() throws Exception {
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "07:50"));
        assertEquals(201, gw.admin("POST", "/api/sites/ZT0427/children",
                "{\"name\":\"赵小华\",\"guardians\":[{\"phone\":\"+8613912340009\",\"relation\":\"奶奶\"}]}").statusCode());
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "08:05"));
        assertEquals(200, gw.text(VOLUNTEER, "到 4"));

        List<String> rows = gw.admin("GET", "/api/exports/attendance.csv?site=ZT0427&from=2026-07-15&to=2026-07-16", null)
                .body().substring(1).lines().toList();

        assertEquals(List.of(
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,1,王小明,已接走,08:05,17:10,奶奶,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,2,李小红,已到未接走,08:05,,,",
                "2026-07-15,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,,,,",
                "2026-07-16,昭阳区,ZT0427,永丰小学托管点,1,王小明,未到,,,,",
                "2026-07-16,昭阳区,ZT0427,永丰小学托管点,2,李小红,未到,,,,",
                "2026-07-16,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,,,,",
                "2026-07-16,昭阳区,ZT0427,永丰小学托管点,4,赵小华,已到未接走,08:05,,,"),
                rows.subList(1, rows.size()), "赵小华 only from the 16th, the day she was added");
    }

    @Test
    void oneSitesLedgerTakesItsCode() throws Exception {
        HttpResponse<String> csv = gw.admin("GET", "/api/exports/attendance.csv?site=zt0427&from=2026-07-15&to=2026-07-15", null);

        assertEquals(200, csv.statusCode());
        assertEquals(4, csv.body().lines().count(), "the header and three children (a code is read as guardians type it, any case)");
    }
}
