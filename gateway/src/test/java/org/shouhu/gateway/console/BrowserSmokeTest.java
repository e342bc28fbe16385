package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The browser tests' own kit works against a real node: the page, the phone's width, the console errors. */
class BrowserSmokeTest {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserSmokeTest.class);

    static GatewayUnderTest node;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        node = new GatewayUnderTest();
        long started = System.nanoTime();
        browser = new Browser();
        LOG.info("headless chromium started in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void showsAPageOfTheNodeAtAPhonesWidthWithoutConsoleErrors() throws Exception {
        long started = System.nanoTime();
        browser.open(node.baseUrl() + "/health/live");

        assertEquals("live", browser.waitForText(By.tagName("body"), "live", Duration.ofSeconds(2)).getText());
        assertEquals(360, browser.innerWidth(), "window.innerWidth");
        assertEquals("zh-CN", browser.script("return navigator.language"), "navigator.language");
        Path shot = browser.screenshot("browser-smoke-health-live");
        assertEquals(360, ImageIO.read(shot.toFile()).getWidth(), "the screenshot's width in px");
        assertEquals(List.of(), browser.consoleErrors());
        LOG.info("opened, checked and shot a page in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void changesToTheOfficePcsWidthAndBack() {
        browser.open(node.baseUrl() + "/health/live");
        try {
            browser.width(Browser.OFFICE_WIDTH);
            assertEquals(1280, browser.innerWidth(), "window.innerWidth at the office PC's width");
        } finally {
            browser.width(Browser.PHONE_WIDTH);
        }
        assertEquals(360, browser.innerWidth(), "window.innerWidth back at the phone's width");
    }

    @Test
    void catchesConsoleErrorsUncaughtExceptionsAndFailedLoads() {
        browser.open(node.baseUrl() + "/health/live");
        browser.script("console.error('console-error-marker');"
                + " new Image().src = '/no-such-image-marker.png';"
                + " setTimeout(function () { throw new Error('uncaught-boom-marker'); }, 0);");

        // the throw and the 404 come after the script has returned: collect until all three have come
        List<String> errors = new ArrayList<>();
        List<String> expected = List.of("console-error-marker", "Uncaught Error: uncaught-boom-marker",
                "/no-such-image-marker.png - Failed to load resource: the server responded with a status of 404");
        new WebDriverWait(browser.driver(), Duration.ofSeconds(3)).until(d -> {
            errors.addAll(browser.consoleErrors());
            return expected.stream().allMatch(marker -> errors.stream().anyMatch(e -> e.contains(marker)));
        });
        assertEquals(3, errors.size(), errors::toString);
        assertEquals(List.of(), browser.consoleErrors(), "consoleErrors() forgets what it returned");
    }
}
