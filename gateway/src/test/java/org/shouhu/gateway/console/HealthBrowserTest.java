package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A city admin in real Chromium at 360 px: delivery health fills its lanes and turns red for a dead
 * letter without a reload; a personal API token is made (its secret shown once) and revoked. One
 * node, in order.
 */
class HealthBrowserTest extends ConsoleInBrowser {

    /** Longer than one poll (5 s) and the request it makes. */
    static final Duration POLL = Duration.ofSeconds(12);

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
        assertEquals(200, gw.admin("PUT", "/api/city-admins/" + CountyPagesTest.CITY_ADMIN, "{\"name\":\"市教育局王科长\"}").statusCode());
        browser = new Browser();
    }

    @Test
    @Order(1)
    void deliveryHealthFillsItsLanesAndTurnsRedForADeadLetterWithoutAReload() throws Exception {
        browser.logIn(gw, CountyPagesTest.CITY_ADMIN);
        browser.waitForText(By.tagName("h1"), "全市");
        browser.driver().findElement(By.linkText("发送状况")).click();
        browser.waitForText(By.tagName("h1"), "发送状况");
        assertTrue(browser.driver().findElement(By.id("status")).getText().contains("一切正常"), browser.text());
        browser.script("window.shouhuMark = 'not reloaded';");

        HealthPageTest.deadLetterTheGrandfathersNotice(gw);
        browser.waitForText(By.id("dead-count"), "1", POLL);
        assertEquals("error", browser.driver().findElement(By.id("status")).getAttribute("class"));
        assertTrue(browser.driver().findElement(By.id("problems")).getText().contains("有1条死信"));
        assertTrue(browser.driver().findElement(By.id("dead-letters")).getText().contains("139****0003"));
        assertFalse(browser.text().contains("13912340003"));

        gw.textOnly(VOLUNTEER, "到 1 2"); // held in the outbox: no worker sends
        browser.waitForText(By.cssSelector("section[data-channel=sms] tr[data-lane=confirm] td.queued"), "3", POLL);
        assertEquals("1", browser.driver().findElement(By.cssSelector("section[data-channel=sms] tr[data-lane=reply] td.queued")).getText());
        assertEquals("约1分钟内发完",
                browser.driver().findElement(By.cssSelector("section[data-channel=sms] tr[data-lane=confirm] td.finish")).getText());
        assertEquals("not reloaded", browser.script("return window.shouhuMark"), "it came without a reload");
        browser.screenshot("delivery-health");
    }

    @Test
    @Order(2)
    void aTokenIsMadeShownOnceAndRevoked() throws Exception {
        browser.driver().findElement(By.linkText("接口令牌")).click();
        browser.waitForText(By.tagName("h1"), "接口令牌");
        browser.driver().findElement(By.id("token-label")).sendKeys("月报表格");
        browser.driver().findElement(By.cssSelector("#make-token button[type=submit]")).click();
        String secret = browser.waitFor(By.id("secret")).getText();
        assertTrue(secret.startsWith("shp_"), secret);
        assertTrue(browser.driver().findElement(By.id("new-token")).getText().contains("请现在复制保存"));
        assertEquals(200, api(secret).statusCode());
        browser.screenshot("tokens");

        browser.driver().findElement(By.cssSelector("#tokens li[data-id] button[type=submit]")).click();
        browser.waitForText(By.cssSelector("p.flash"), "已撤销");
        assertTrue(browser.driver().findElements(By.id("secret")).isEmpty(), "the secret is gone with the page that made it");
        assertTrue(browser.driver().findElements(By.cssSelector("#tokens li")).isEmpty());
        assertEquals(401, api(secret).statusCode());
    }

    private static java.net.http.HttpResponse<String> api(String token) throws Exception {
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/sites/ZT0427/today"))
                .header("Authorization", "Bearer " + token).GET().build());
    }
}
