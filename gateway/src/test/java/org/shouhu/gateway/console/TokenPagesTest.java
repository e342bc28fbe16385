package org.shouhu.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.ConsoleClient;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A person's API tokens in the console: the secret is shown once, on the answer to the form; the
 * list never shows it; the token calls the API with its owner's reach until revoked (then 401); at
 * most ten; every make and revoke in the audit log; a form without its token or sent again acts not / once.
 */
class TokenPagesTest {

    static final Pattern SECRET = Pattern.compile("<code class=\"secret\" id=\"secret\">(shp_[A-Za-z0-9_-]+)</code>");
    static final Pattern TAP = Pattern.compile("name=\"tap\" value=\"([^\"]+)\"");
    static final Pattern REVOKE = Pattern.compile("action=\"/console/tokens/([0-9a-f]{12})/revoke\"");

    GatewayUnderTest gw;
    ConsoleClient coordinator;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        CountyPagesTest.twoCounties(gw);
        coordinator = new ConsoleClient(gw);
        coordinator.login(COORDINATOR);
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    HttpResponse<String> api(String token, String path) throws Exception {
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("Authorization", "Bearer " + token).GET().build());
    }

    /** Makes a token with the form of a freshly read page; returns the answer. */
    static HttpResponse<String> make(ConsoleClient who, String label) throws Exception {
        assertEquals(200, who.get("/console/tokens").statusCode());
        return who.post("/console/tokens", Map.of("label", label));
    }

    static String secret(HttpResponse<String> answer) {
        Matcher m = SECRET.matcher(answer.body());
        assertTrue(m.find(), answer.body());
        return m.group(1);
    }

    @Test
    void theSecretIsShownOnceAndTheTokenReadsTheCoordinatorsCountyOnly() throws Exception {
        HttpResponse<String> empty = coordinator.get("/console/tokens");
        assertEquals(200, empty.statusCode());
        assertTrue(empty.body().contains("还没有令牌") && empty.body().contains("昭阳区：本县的托管点、导出和警报"), empty.body());

        HttpResponse<String> made = make(coordinator, "周报表格");
        assertEquals(200, made.statusCode(), made.body());
        String secret = secret(made);
        assertTrue(made.body().contains("请现在复制保存") && made.body().contains("密钥只显示这一次"), made.body());
        assertTrue(made.body().contains("周报表格"));

        HttpResponse<String> list = coordinator.get("/console/tokens");
        assertTrue(list.body().contains("周报表格") && list.body().contains("2026-07-15 08:05 做的"), list.body());
        assertFalse(list.body().contains(secret), "the list never shows the secret");
        assertFalse(list.body().contains("shp_"), list.body());
        assertFalse(gw.redis().keys("sh:*").stream().anyMatch(k -> k.contains(secret)), "Redis keeps only its hash");

        assertEquals(200, api(secret, "/api/sites/ZT0427/today").statusCode(), "their county's site");
        HttpResponse<String> other = api(secret, "/api/sites/WX0001/today");
        assertEquals(403, other.statusCode(), "another county's site");
        assertTrue(other.body().contains("county 昭阳区"), other.body());

        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("\"who\":\"coordinator 135****0001\"") && audit.contains("POST /console/tokens label=周报表格"), audit);
        assertFalse(audit.contains(secret));
    }

    @Test
    void aFormSentAgainMakesOneToken() throws Exception {
        Matcher tap = TAP.matcher(coordinator.get("/console/tokens").body());
        assertTrue(tap.find());
        HttpResponse<String> first = coordinator.post("/console/tokens", Map.of("label", "脚本", "tap", tap.group(1)));
        assertEquals(200, first.statusCode());
        secret(first);
        HttpResponse<String> again = coordinator.post("/console/tokens", Map.of("label", "脚本", "tap", tap.group(1)));
        assertEquals(303, again.statusCode(), again.body());
        HttpResponse<String> list = coordinator.get("/console/tokens");
        assertTrue(list.body().contains("这个表单已经提交过，没有再做新令牌"), list.body());
        assertFalse(list.body().contains("shp_"), "not shown again");
        assertEquals(1, gw.redis().hlen("sh:tokens:" + COORDINATOR));
    }

    @Test
    void aRevokedTokenIsRefusedByTheApiAndNobodyElseCanRevokeIt() throws Exception {
        String secret = secret(make(coordinator, "周报表格"));
        Matcher id = REVOKE.matcher(coordinator.get("/console/tokens").body());
        assertTrue(id.find());

        ConsoleClient volunteer = new ConsoleClient(gw);
        volunteer.login(VOLUNTEER);
        volunteer.get("/console/tokens");
        assertEquals(303, volunteer.post("/console/tokens/" + id.group(1) + "/revoke", Map.of()).statusCode());
        assertTrue(volunteer.get("/console/tokens").body().contains("没有找到这个令牌"));
        assertEquals(200, api(secret, "/api/sites/ZT0427/today").statusCode(), "another person's token is not theirs to revoke");

        coordinator.get("/console/tokens");
        assertEquals(303, coordinator.post("/console/tokens/" + id.group(1) + "/revoke", Map.of()).statusCode());
        HttpResponse<String> list = coordinator.get("/console/tokens");
        assertTrue(list.body().contains("令牌“周报表格”已撤销") && list.body().contains("还没有令牌"), list.body());
        assertEquals(401, api(secret, "/api/sites/ZT0427/today").statusCode());
        String audit = gw.admin("GET", "/api/audit", null).body();
        // the token's id may be masked in the log like any run of digits that could be a phone number
        assertTrue(java.util.regex.Pattern.compile("\"who\":\"coordinator 135\\*{4}0001\",\"what\":\"POST /console/tokens/[0-9a-f*]+/revoke")
                .matcher(audit).find(), audit);
    }

    @Test
    void tenTokensAtMost() throws Exception {
        for (int i = 1; i <= TokenPages.MAX_TOKENS; i++) {
            assertEquals(200, make(coordinator, "脚本" + i).statusCode());
        }
        HttpResponse<String> full = coordinator.get("/console/tokens");
        assertTrue(full.body().contains("（10/10）") && !full.body().contains("id=\"make-token\""), "no form when full: " + full.body());
        Matcher tap = TAP.matcher(coordinator.get("/console/tokens").body());
        assertFalse(tap.find(), "no form, no form id");
        HttpResponse<String> eleventh = coordinator.post("/console/tokens", Map.of("label", "第十一个", "tap", "an-old-form-0001"));
        assertEquals(409, eleventh.statusCode());
        assertTrue(eleventh.body().contains("每人最多10个令牌"), eleventh.body());
        assertFalse(eleventh.body().contains("shp_"));
        assertEquals(10, gw.redis().hlen("sh:tokens:" + COORDINATOR));
        assertTrue(gw.admin("GET", "/api/audit", null).body().contains("POST /console/tokens label=第十一个"), "the refusal too");
    }

    @Test
    void aFormWithoutItsTokenOrLabelMakesNothing() throws Exception {
        Matcher tap = TAP.matcher(coordinator.get("/console/tokens").body());
        assertTrue(tap.find());
        HttpResponse<String> noCsrf = coordinator.postRaw("/console/tokens", Map.of("label", "脚本", "tap", tap.group(1)));
        assertEquals(403, noCsrf.statusCode());
        assertFalse(noCsrf.body().contains("shp_"));
        coordinator.get("/console/tokens");
        HttpResponse<String> noLabel = coordinator.post("/console/tokens", Map.of("label", "  "));
        assertEquals(400, noLabel.statusCode());
        assertTrue(noLabel.body().contains("请给令牌起个名字"), noLabel.body());
        coordinator.get("/console/tokens");
        assertEquals(400, coordinator.post("/console/tokens", Map.of("label", "长".repeat(41))).statusCode());
        assertEquals(0, gw.redis().hlen("sh:tokens:" + COORDINATOR));
        assertEquals(404, coordinator.get("/console/tokens/abc").statusCode());
    }
}
