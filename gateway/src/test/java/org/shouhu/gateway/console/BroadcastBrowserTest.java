package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A volunteer's broadcast in real Chromium at 360 px: the counter turns to 2条 while the notice is
 * typed, when the whole SMS reaches 71 characters, and the preview is that SMS; the send shows its
 * progress climbing to done without a reload. One browser and one node, in order.
 */
class BroadcastBrowserTest extends ConsoleInBrowser {

    /** Longer than one poll (3 s) and the request it makes. */
    static final Duration POLL = Duration.ofSeconds(10);

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("16:30");
        browser = new Browser();
    }

    @Test
    @Order(1)
    void typingANoticeCountsTheWholeSmsLiveAndPreviewsIt() {
        browser.logIn(gw, VOLUNTEER);
        browser.waitForText(By.tagName("h1"), "永丰小学托管点");

        browser.driver().findElement(By.linkText("发通知给全体家长")).click();
        browser.waitForText(By.tagName("h1"), "发通知");
        assertEquals("整条短信16字，按1条计费", browser.driver().findElement(By.id("counter")).getText(), "the server's count, before any typing");
        browser.script("window.shouhuMark = 'not reloaded';");

        WebElement text = browser.driver().findElement(By.id("notice-text"));
        String seventy = BroadcastPageTest.notice(54);
        text.sendKeys(seventy);
        browser.waitForText(By.id("counter"), "整条短信70字，按1条计费");
        text.sendKeys("！");
        browser.waitForText(By.id("counter"), "整条短信71字，按2条计费");
        assertEquals(BroadcastPageTest.BEFORE + seventy + "！", browser.driver().findElement(By.id("preview")).getText());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"), "counted as typed, without a reload");
        browser.screenshot("broadcast");

        for (String typed : List.of("：明天８点\r\n\r\n到　齐", " \u200b明天见！！ ", "下雨☔请带伞～", "ＡＢＣ（一）、二", "进度", " 進度。", "tzjd")) {
            assertEquals(BroadcastPage.notice(typed), browser.script("return window.shouhuSms.notice(arguments[0])", typed),
                    "the page reads " + typed + " as the SMS command does");
        }
    }

    @Test
    @Order(2)
    void theSendShowsItsProgressUntilEveryMessageIsOut() {
        gw.sent();
        String notice = browser.driver().findElement(By.id("notice-text")).getAttribute("value");
        browser.driver().findElement(By.id("send")).click();
        browser.waitForText(By.cssSelector(".flash"), "已开始发送4条");
        assertTrue(browser.driver().findElement(By.id("no-broadcast")).getAttribute("hidden") != null);
        assertEquals("正在准备", browser.driver().findElement(By.cssSelector("#latest [data-field=stateLabel]")).getText());
        browser.script("window.shouhuMark = 'not reloaded';");

        gw.gateway.drainOutbox(); // expanded and sent
        browser.waitForText(By.cssSelector("#latest [data-field=stateLabel]"), "已发完", POLL);
        assertEquals("4", browser.driver().findElement(By.cssSelector("#latest [data-field=sent]")).getText());
        assertEquals("全部发出", browser.driver().findElement(By.cssSelector("#latest [data-field=finish]")).getText());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"));
        List<GatewayUnderTest.Sms> sent = gw.sent();
        assertEquals(List.of(BroadcastPageTest.BEFORE + notice), GatewayUnderTest.to(sent, WANG_GRANDMA));
        assertEquals(List.of(BroadcastPageTest.BEFORE + notice), GatewayUnderTest.to(sent, ZHANG_GRANDPA));
    }
}
