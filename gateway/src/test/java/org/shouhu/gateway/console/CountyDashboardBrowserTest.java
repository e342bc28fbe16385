package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A coordinator's county dashboard in real Chromium at 360 px: a no-show escalation appears and
 * turns red without the page being reloaded (a mark left on the page survives), and a drowning
 * alert's acknowledgements shrink the list of whom to call as guardians answer. One node, in order.
 */
class CountyDashboardBrowserTest extends ConsoleInBrowser {

    /** Longer than one poll (5 s) and the request it makes. */
    static final Duration POLL = Duration.ofSeconds(12);
    static final String TEXT = "今天午后有雷雨，河水会涨，请看好孩子不要去河边玩水。";

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
        gw.text(VOLUNTEER, "到 1 2"); // 3张小刚 does not come
        browser = new Browser();
    }

    @Test
    @Order(1)
    void aNoShowAppearsAndTurnsRedWithoutAReload() {
        browser.logIn(gw, COORDINATOR);
        browser.waitForText(By.tagName("h1"), "昭阳区");
        assertTrue(browser.text().contains("没有未结束的升级"), browser.text());
        browser.script("window.shouhuMark = 'not reloaded';");

        gw.tick("08:31"); // the no-show check: the grandfather is told, the ladder opens
        browser.waitForText(By.cssSelector("#escalations tr.escalation"), "张小刚", POLL);
        assertEquals("家长", browser.driver().findElement(By.cssSelector("#escalations tr.escalation td.step")).getText());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"), "the row came without a reload");

        gw.tick("08:46"); // the captain
        browser.waitForText(By.cssSelector("#escalations tr.escalation td.step"), "队长", POLL);
        gw.tick("09:01"); // the coordinator
        browser.waitFor(By.cssSelector("#escalations tr.escalation.red"), POLL);
        assertEquals("协调员", browser.driver().findElement(By.cssSelector("#escalations tr.escalation td.step")).getText());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"));
        assertTrue(browser.driver().findElement(By.id("no-escalations")).getAttribute("hidden") != null);
        browser.screenshot("county-dashboard");
    }

    @Test
    @Order(2)
    void aDrowningAlertsListOfWhomToCallShrinksAsGuardiansAnswer() {
        gw.sent();
        browser.script("document.getElementById('alert-text').value = arguments[0];", TEXT);
        browser.driver().findElement(By.cssSelector("#alert-form button[type=submit]")).click();
        browser.waitForText(By.tagName("h1"), "警报回复情况");
        gw.gateway.drainOutbox();
        assertEquals(List.of("【守护托管】" + TEXT + " 回1收到"), GatewayUnderTest.to(gw.sent(), WANG_GRANDMA));
        browser.waitForText(By.cssSelector("[data-field=recipients]"), "4", POLL);
        assertTrue(browser.driver().findElement(By.id("waiting")).getText().contains("139 1234 5678"));
        browser.script("window.shouhuMark = 'not reloaded';");

        try {
            gw.text(WANG_GRANDMA, "1");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        browser.waitForText(By.cssSelector("[data-field=acknowledged]"), "1", POLL);
        assertTrue(!browser.driver().findElement(By.id("waiting")).getText().contains("139 1234 5678"), "the grandmother answered");
        assertEquals(3, browser.driver().findElements(By.cssSelector("#waiting a.call")).size());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"));
        browser.screenshot("drowning-alert");
    }
}
