package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A coordinator's season view and exports in real Chromium at 360 px, after three days at 永丰小学托管点:
 * the charts are drawn (uPlot, from the jar) with the table under them, and the exports page's form
 * downloads the ledger in the browser's own session. One node, in order.
 */
class SeasonBrowserTest extends ConsoleInBrowser {

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        ReportPagesTest.aPlayedDay(gw); // the 15th
        at("2026-07-16", "08:05");
        gw.text(VOLUNTEER, "到 1 2 3");
        at("2026-07-16", "17:10");
        gw.text(VOLUNTEER, "走 1 2 3");
        at("2026-07-17", "08:05");
        gw.text(VOLUNTEER, "到 1 2"); // 张小刚 does not come: his ladder climbs to the coordinator
        for (String time : List.of("08:30", "08:45", "09:00")) {
            at("2026-07-17", time);
            gw.gateway.runSafety();
            gw.gateway.drainOutbox();
        }
        at("2026-07-17", "12:00");
        browser = new Browser();
    }

    private static void at(String date, String time) {
        gw.clock.set(GatewayUnderTest.at(date, time));
    }

    @Test
    @Order(1)
    void theSeasonViewDrawsItsChartsOverTheTable() {
        browser.logIn(gw, COORDINATOR);
        browser.waitForText(By.tagName("h1"), "昭阳区");

        browser.driver().findElement(By.linkText("季度")).click();
        browser.waitForText(By.tagName("h1"), "季度统计 · 昭阳区");
        browser.script("document.getElementById('season-from').value = '2026-07-13';"
                + "document.getElementById('season-to').value = '2026-07-24';");
        browser.driver().findElement(By.cssSelector(".report-form button[type=submit]")).click();
        browser.waitFor(By.cssSelector("#season[data-drawn=true]"), Duration.ofSeconds(10));

        assertEquals(3L, browser.script("return document.querySelectorAll('#season canvas').length"), "three charts");
        assertTrue((Long) browser.script("return document.querySelector('#season canvas').width") > 250L, "as wide as the phone");
        String legends = browser.driver().findElement(By.id("season")).getText();
        assertTrue(legends.contains("已到") && legends.contains("到协调员") && legends.contains("确认率"), legends);
        assertEquals(List.of("3", "2", "0", "1", "0", "1", "1", "—"), browser.driver()
                .findElements(By.cssSelector("#season-table tr[data-date='2026-07-17'] td")).stream().map(e -> e.getText()).toList(),
                "the 17th: three expected, two came, 张小刚's no-show reached the coordinator, no alert");
        assertEquals(true, browser.script("var box = document.getElementById('season-table').parentElement;"
                + " return box.scrollWidth <= box.clientWidth;"), "the table's nine columns fit the phone without scrolling");
        assertEquals(5, browser.driver().findElements(By.cssSelector("#season-table tbody tr")).size(),
                "the 13th to the 17th (today): the days after have no numbers yet");
        browser.screenshot("season-view");
    }

    @Test
    @Order(2)
    void theExportsFormDownloadsTheLedgerInTheBrowsersSession() {
        browser.driver().findElement(By.linkText("导出")).click();
        browser.waitForText(By.tagName("h1"), "导出台账");
        assertEquals("county:昭阳区", browser.script("return document.getElementById('export-scope').value"), "the whole county first");
        assertEquals("2026-07-15", browser.script("return document.getElementById('export-from').value"), "the season's first day");
        assertEquals("2026-07-17", browser.script("return document.getElementById('export-to').value"), "up to today");
        browser.screenshot("exports");

        // What the 考勤台账 button asks for, fetched in the page (a real download would leave the page as it is)
        @SuppressWarnings("unchecked")
        Map<String, Object> got = (Map<String, Object>) ((JavascriptExecutor) browser.driver()).executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                        + "var form = document.getElementById('export-form');"
                        + "var button = form.querySelector('button[formaction$=\"attendance.csv\"]');"
                        + "var url = button.formAction + '?' + new URLSearchParams(new FormData(form)).toString();"
                        + "fetch(url).then(function (r) { return r.arrayBuffer().then(function (b) {"
                        + "  var bytes = new Uint8Array(b);"
                        + "  done({ status: r.status, disposition: r.headers.get('Content-Disposition'),"
                        + "         bom: [bytes[0], bytes[1], bytes[2]].join(','),"
                        + "         text: new TextDecoder('utf-8').decode(bytes.subarray(3)) }); }); })"
                        + ".catch(function (e) { done({ error: String(e) }); });");
        assertEquals(200L, got.get("status"), String.valueOf(got));
        assertEquals("239,187,191", got.get("bom"), "UTF-8's byte order mark");
        assertTrue(String.valueOf(got.get("disposition")).contains("filename*=UTF-8''"), String.valueOf(got));
        assertTrue(String.valueOf(got.get("text")).contains("2026-07-17,昭阳区,ZT0427,永丰小学托管点,3,张小刚,未到,,,,"), String.valueOf(got));
    }
}
