package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** Every link in the bar at the top of each role's home page opens a page that role may see: no dead link, no 403 offered. */
class NavigationTest {

    private static final Pattern NAV = Pattern.compile("<nav>(.*?)</nav>", Pattern.DOTALL);
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");

    GatewayUnderTest gw;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
        assertEquals(200, gw.admin("PUT", "/api/city-admins/" + CountyPagesTest.CITY_ADMIN, "{\"name\":\"市教育局王科长\"}").statusCode());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "volunteer,   " + VOLUNTEER + ",                     2",
            "coordinator, " + COORDINATOR + ",                   4",
            "city admin,  " + CountyPagesTest.CITY_ADMIN + ",    5"})
    void everyLinkInTheBarOpens(String role, String phone, int links) throws Exception {
        ConsoleClient who = new ConsoleClient(gw);
        String home = who.login(phone).headers().firstValue("Location").orElseThrow();
        HttpResponse<String> page = who.get(home);
        assertEquals(200, page.statusCode(), page.body());
        Matcher nav = NAV.matcher(page.body());
        assertTrue(nav.find(), "the page has its bar");
        List<String> hrefs = new ArrayList<>();
        Matcher href = HREF.matcher(nav.group(1));
        while (href.find()) {
            hrefs.add(href.group(1));
        }
        assertEquals(links, hrefs.size(), role + " is offered " + hrefs);
        for (String h : hrefs) {
            HttpResponse<String> opened = who.get(h);
            assertEquals(200, opened.statusCode(), role + " follows " + h + ": " + opened.body());
        }
    }
}
