package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** Logging in to the console with a code sent by SMS: single use, limited tries, a cookie session, logout. */
class ConsoleLoginTest {

    GatewayUnderTest gw;
    ConsoleClient browser;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        browser = new ConsoleClient(gw);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aCaptainGetsACodeBySmsAndLandsOnTheirSitesDay() throws Exception {
        assertEquals(303, gw.raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/console/sites/ZT0427"))
                .build()).statusCode(), "not logged in: sent to the login page");
        browser.get("/console/login");
        HttpResponse<String> asked = browser.post("/console/login", Map.of("phone", "138 0000 0001"));
        assertEquals(200, asked.statusCode());
        assertTrue(asked.body().contains("138****0001"), asked.body());

        gw.gateway.drainOutbox();
        List<String> texts = GatewayUnderTest.to(gw.sent(), CAPTAIN);
        assertEquals(1, texts.size(), texts.toString());
        assertTrue(texts.get(0).matches("【守护托管】登录码 \\d{6}，5分钟内有效。请勿告诉他人。"), texts.get(0));

        String code = texts.get(0).replaceAll("\\D", "").substring(0, 6);
        HttpResponse<String> in = browser.post("/console/login/code", Map.of("phone", CAPTAIN, "code", code));
        assertEquals(303, in.statusCode());
        assertEquals("/console/sites/ZT0427", in.headers().firstValue("Location").orElse(""));
        String session = browser.setCookies.stream().filter(c -> c.startsWith("shouhu_session=")).findFirst().orElseThrow();
        assertTrue(session.toLowerCase(java.util.Locale.ROOT).contains("httponly") && session.contains("SameSite=Lax") && session.contains("Secure")
                && session.contains("Path=/console/"), session);

        HttpResponse<String> page = browser.get("/console/sites/ZT0427");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("永丰小学托管点") && page.body().contains("王小明") && page.body().contains("张队长 · 队长"), page.body());
        assertEquals(Html.POLICY, page.headers().firstValue("Content-Security-Policy").orElse(""));
    }

    @Test
    void aCodeWorksOnceAndFiveWrongTriesVoidIt() throws Exception {
        browser.get("/console/login");
        browser.post("/console/login", Map.of("phone", VOLUNTEER));
        String code = browser.codeTextedTo(VOLUNTEER);
        String wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> miss = browser.post("/console/login/code", Map.of("phone", VOLUNTEER, "code", wrong));
            assertEquals(400, miss.statusCode());
            assertTrue(miss.body().contains("登录码不对"), miss.body());
        }
        HttpResponse<String> late = browser.post("/console/login/code", Map.of("phone", VOLUNTEER, "code", code));
        assertEquals(400, late.statusCode(), "five wrong tries void the code, even the right one after them");
        assertTrue(late.body().contains("登录码已失效"), late.body());

        gw.clock.set(gw.clock.instant().plusSeconds(61));
        browser.post("/console/login", Map.of("phone", VOLUNTEER));
        String fresh = browser.codeTextedTo(VOLUNTEER);
        assertEquals(303, browser.post("/console/login/code", Map.of("phone", VOLUNTEER, "code", fresh)).statusCode(),
                "a new code works");
        ConsoleClient other = new ConsoleClient(gw);
        other.get("/console/login");
        HttpResponse<String> again = other.post("/console/login/code", Map.of("phone", VOLUNTEER, "code", fresh));
        assertEquals(400, again.statusCode(), "a code is used up by its first login");
    }

    @Test
    void aNewCodeWaitsAMinuteAndANumberNotOnAnyRosterIsToldNothingAndSentNothing() throws Exception {
        browser.get("/console/login");
        browser.post("/console/login", Map.of("phone", VOLUNTEER));
        HttpResponse<String> soon = browser.post("/console/login", Map.of("phone", VOLUNTEER));
        assertTrue(soon.body().contains("登录码刚发过，请60秒后再要新的"), soon.body());

        HttpResponse<String> stranger = browser.post("/console/login", Map.of("phone", "13999999999"));
        assertEquals(200, stranger.statusCode());
        assertTrue(stranger.body().contains("如果 139****9999 是登记过的工作人员号码"), stranger.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), "+8613999999999"));

        HttpResponse<String> bad = browser.post("/console/login", Map.of("phone", "12345"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("请输入11位手机号"), bad.body());
    }

    @Test
    void oneAddressTryingManyPhonesIsHeldBackAfterThirtyFormsAnHour() throws Exception {
        browser.get("/console/login");
        for (int i = 0; i < ConsoleEndpoint.LOGINS_PER_ADDRESS_HOUR; i++) {
            assertEquals(400, browser.post("/console/login/code", Map.of("phone", "1390000" + String.format("%04d", i), "code", "123456"))
                    .statusCode());
        }
        HttpResponse<String> held = browser.post("/console/login", Map.of("phone", VOLUNTEER));
        assertEquals(429, held.statusCode());
        assertTrue(held.body().contains("登录尝试太多次，请一小时后再试"), held.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), VOLUNTEER), "no code sent past the limit");
    }

    @Test
    void aLoginFormWithoutItsTokenIsRefused() throws Exception {
        browser.get("/console/login");
        HttpResponse<String> forged = browser.postRaw("/console/login", Map.of("phone", VOLUNTEER));
        assertEquals(403, forged.statusCode());
        gw.gateway.drainOutbox();
        assertEquals(List.of(), GatewayUnderTest.to(gw.sent(), VOLUNTEER), "nothing sent for a forged form");
    }

    @Test
    void logoutEndsTheSessionOnTheServerNotOnlyInTheBrowser() throws Exception {
        browser.login(VOLUNTEER);
        assertEquals(200, browser.get("/console/sites/ZT0427").statusCode());
        String stolen = browser.cookies().get("shouhu_session");

        assertEquals(303, browser.post("/console/logout", Map.of()).statusCode());
        assertFalse(browser.cookies().containsKey("shouhu_session"));
        browser.cookies().put("shouhu_session", stolen);
        assertEquals(303, browser.get("/console/sites/ZT0427").statusCode(), "the old cookie opens nothing");
    }

    @Test
    void takingSomeoneOffTheRosterTakesTheirConsoleAwayAtTheNextClick() throws Exception {
        browser.login(VOLUNTEER);
        assertEquals(200, browser.get("/console/sites/ZT0427").statusCode());
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/staff/" + VOLUNTEER, null).statusCode());
        assertEquals(303, browser.get("/console/sites/ZT0427").statusCode());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} → {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "/console/static/console.css,      200",
            "/console/static/uPlot.iife.min.js, 200",
            "/console/static/nothing.js,       404",
            "/console/static/../pom.xml,       404",
            "/console/static/Console.CSS,      404",
    })
    void theJarServesItsOwnScriptsAndTheChartLibraryAndNothingElse(String path, int status) throws Exception {
        HttpResponse<String> answer = gw.raw(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + path)).build());
        assertEquals(status, answer.statusCode(), path);
    }
}
