package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A volunteer's morning in real Chromium at a phone's 360 px: log in with the code the provider got,
 * tap a child in, and the grandmother's SMS is at the provider; another site's child is out of reach;
 * a form without its token is refused. One browser and one node for the class, in order.
 */
class SiteBrowserTest extends ConsoleInBrowser {

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.admin("PUT", "/api/sites/WX0001", "{\"name\":\"扎西儿童之家\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:00\"}");
        gw.admin("POST", "/api/sites/WX0001/children", "{\"name\":\"陈小兰\",\"guardians\":[{\"phone\":\"+8613912349999\",\"relation\":\"奶奶\"}]}");
        gw.at("08:05");
        browser = new Browser();
    }

    @Test
    @Order(1)
    void aVolunteerLogsInWithTheCodeTextedToTheirPhone() {
        browser.open(gw.baseUrl() + "/console/");
        browser.waitFor(By.id("phone")).sendKeys("13800000002");
        browser.screenshot("login");
        browser.driver().findElement(By.cssSelector("button[type=submit].big")).click();

        String code = new ConsoleClient(gw).codeTextedTo(VOLUNTEER);
        browser.waitFor(By.id("code")).sendKeys(code);
        browser.driver().findElement(By.cssSelector("button[type=submit].big")).click();

        browser.waitForText(By.tagName("h1"), "永丰小学托管点");
        assertTrue(browser.driver().getCurrentUrl().endsWith("/console/sites/ZT0427"), browser.driver().getCurrentUrl());
        assertTrue(browser.text().contains("李志愿者 · 志愿者"), browser.text());
    }

    @Test
    @Order(2)
    void tappingAChildInSendsTheGrandmotherTheArrivalSms() {
        gw.sent();
        browser.driver().findElement(By.cssSelector("li[data-no='1'] button.checkin")).click();

        browser.waitForText(By.cssSelector(".flash"), "已签到1人：1王小明");
        assertTrue(browser.driver().findElement(By.cssSelector("li[data-no='1'] .state")).getText().contains("08:05到"));
        browser.screenshot("site-today");
        gw.gateway.drainOutbox();
        assertEquals(List.of("【守护托管】王小明 08:05 已到永丰小学托管点。回4查询 回0帮助"), GatewayUnderTest.to(gw.sent(), WANG_GRANDMA));
    }

    @Test
    @Order(3)
    void anotherSitesChildIsOutOfReach() {
        browser.open(gw.baseUrl() + "/console/sites/WX0001");
        browser.waitForText(By.tagName("h1"), "没有权限");
        assertTrue(!browser.text().contains("陈小兰"), browser.text());
        assertOnlyTheRefusal("/console/sites/WX0001");
    }

    /** Chromium logs a page answered 403 as a failed load: that one, and nothing else, is expected. */
    static void assertOnlyTheRefusal(String path) {
        List<String> errors = browser.consoleErrors();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains(path + " - Failed to load resource: the server responded with a status of 403"), errors.get(0));
    }

    @Test
    @Order(4)
    void aFormPostedWithoutItsTokenIsRefused() {
        browser.open(gw.baseUrl() + "/console/sites/ZT0427");
        gw.sent();
        browser.script("document.querySelector(\"li[data-no='2'] form input[name=csrf]\").remove();");
        browser.driver().findElement(By.cssSelector("li[data-no='2'] button.checkin")).click();

        browser.waitForText(By.tagName("h1"), "没有权限");
        assertTrue(browser.text().contains("表单已过期"), browser.text());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), GatewayUnderTest.LI_GRANDMA), "nothing was sent for the refused form");
        assertOnlyTheRefusal("/console/sites/ZT0427/in");
    }

    @Test
    @Order(5)
    void theCommandCardPrintsOnA6() {
        browser.open(gw.baseUrl() + "/console/sites/ZT0427/card");
        browser.waitForText(By.cssSelector(".card h1"), "永丰小学托管点");
        assertTrue(browser.text().contains("10690001") && !browser.text().contains("+86"), "the number as a phone in China dials it: " + browser.text());
        assertTrue(browser.text().contains("DJ 孩子姓名 ZT0427"), browser.text());
        browser.screenshot("command-card");
    }
}
