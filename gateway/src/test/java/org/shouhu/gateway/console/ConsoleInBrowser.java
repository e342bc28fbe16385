package org.shouhu.gateway.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.shouhu.gateway.testing.Browser;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * What the console's browser tests share: a node and a Chromium for the whole class (each class's
 * {@code @BeforeAll} starts them; classes run one after another), tests in their written order, and
 * after each test the checks every page owes a phone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConsoleInBrowser {

    static GatewayUnderTest gw;
    static Browser browser;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (gw != null) {
            gw.close();
            gw = null;
        }
    }

    @AfterEach
    void noConsoleErrorsAndNothingWiderThanThePhone() {
        browser.assertFitsThePhoneWithoutErrors();
    }
}
