package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.store.redis.RedisPersonalTokens;
import org.shouhu.gateway.testing.GatewayUnderTest;

/** A personal API token reaches what its owner may see in the console, no more; the admin token makes city admins. */
class PersonalTokensTest {

    static final String CITY_ADMIN = "+8613600000001";
    static final String ZHAOYANG = URLEncoder.encode("昭阳区", StandardCharsets.UTF_8);
    static final String WEIXIN = URLEncoder.encode("威信县", StandardCharsets.UTF_8);

    static GatewayUnderTest gw;
    String volunteer;
    String coordinator;
    String cityAdmin;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.admin("PUT", "/api/sites/WX0001", "{\"name\":\"扎西儿童之家\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:00\"}");
        gw.admin("PUT", "/api/counties/" + ZHAOYANG + "/coordinator", "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘协调员\"}");
        assertEquals(200, gw.admin("PUT", "/api/city-admins/" + CITY_ADMIN, "{\"name\":\"市教育局王科长\"}").statusCode());
        RedisPersonalTokens tokens = new RedisPersonalTokens(gw.redis(), gw.clock);
        volunteer = tokens.make(VOLUNTEER, "考勤表格");
        coordinator = tokens.make(COORDINATOR, "周报脚本");
        cityAdmin = tokens.make(CITY_ADMIN, "市级汇总");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    HttpResponse<String> call(String token, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return gw.raw(request.build());
    }

    @ParameterizedTest(name = "{0} {1} {2} → {4}")
    @CsvSource(delimiter = '|', value = {
            "volunteer   | GET  | /api/sites/ZT0427/today                         |                                         | 200",
            "volunteer   | GET  | /api/sites/WX0001/today                         |                                         | 403",
            "volunteer   | POST | /api/sites/ZT0427/children                      | {\"name\":\"赵小东\",\"guardians\":[]}     | 403",
            "volunteer   | POST | /api/sites/ZT0427/lessons                       | {\"topic\":\"防溺水\"}                     | 201",
            "volunteer   | GET  | /api/dead-letters                               |                                         | 403",
            "coordinator | GET  | /api/sites/ZT0427/today                         |                                         | 200",
            "coordinator | GET  | /api/sites/WX0001/today                         |                                         | 403",
            "coordinator | PUT  | /api/sites/ZT0500                               | {\"name\":\"新点\",\"county\":\"威信县\",\"opens\":\"08:00\",\"closes\":\"17:00\"} | 403",
            "coordinator | PUT  | /api/sites/ZT0500                               | {\"name\":\"新点\",\"county\":\"昭阳区\",\"opens\":\"08:00\",\"closes\":\"17:00\"} | 200",
            "coordinator | GET  | /api/exports/attendance.csv?county=昭阳区&from=2026-07-15&to=2026-07-15 |           | 200",
            "coordinator | GET  | /api/exports/attendance.csv?county=威信县&from=2026-07-15&to=2026-07-15 |           | 403",
            "coordinator | GET  | /api/exports/attendance.csv?site=WX0001&from=2026-07-15&to=2026-07-15  |            | 403",
            "coordinator | POST | /api/alerts                                     | {\"scope\":\"county:威信县\",\"text\":\"防溺水\"} | 403",
            "coordinator | POST | /api/alerts                                     | {\"scope\":\"city\",\"text\":\"防溺水\"}    | 403",
            "coordinator | PUT  | /api/city-admins/+8613600000002                 | {\"name\":\"某人\"}                        | 403",
            "coordinator | GET  | /api/audit                                      |                                         | 403",
            "cityAdmin   | GET  | /api/sites/WX0001/today                         |                                         | 200",
            "cityAdmin   | GET  | /api/audit                                      |                                         | 200",
            "cityAdmin   | POST | /api/clock                                      | {\"at\":\"2026-07-15T09:00:00+08:00\"}    | 403",
    })
    void aTokenReachesWhatItsOwnerMaySee(String who, String method, String path, String json, int status) throws Exception {
        String token = switch (who) {
            case "volunteer" -> volunteer;
            case "coordinator" -> coordinator;
            default -> cityAdmin;
        };
        HttpResponse<String> answer = call(token, method, path.replace("昭阳区", ZHAOYANG).replace("威信县", WEIXIN), json);
        assertEquals(status, answer.statusCode(), answer.body());
        if (status == 403) {
            assertTrue(answer.body().contains("this token reaches"), answer.body());
        }
    }

    @Test
    void theAuditLogNamesThePersonWhoseTokenMadeTheChange() throws Exception {
        assertEquals(201, call(volunteer, "POST", "/api/sites/ZT0427/lessons", "{\"topic\":\"防溺水\"}").statusCode());
        String audit = gw.admin("GET", "/api/audit", null).body();
        assertTrue(audit.contains("\"who\":\"volunteer 138****0002\"") && audit.contains("POST /api/sites/ZT0427/lessons"), audit);
    }

    @Test
    void aTokenStopsWorkingWhenItsOwnerLeavesTheRosterOrIsRevoked() throws Exception {
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/staff/" + VOLUNTEER, null).statusCode());
        assertEquals(401, call(volunteer, "GET", "/api/sites/ZT0427/today", null).statusCode());

        RedisPersonalTokens tokens = new RedisPersonalTokens(gw.redis(), gw.clock);
        assertTrue(tokens.revoke(COORDINATOR, tokens.of(COORDINATOR).get(0).id()));
        assertEquals(401, call(coordinator, "GET", "/api/sites/ZT0427/today", null).statusCode());
    }

    @ParameterizedTest(name = "{0} {1} → {3}")
    @CsvSource(delimiter = '|', value = {
            "PUT    | /api/city-admins/12345          | {\"name\":\"x\"} | 400",
            "PUT    | /api/city-admins/+8613600000003 | {}             | 400",
            "DELETE | /api/city-admins/+8613600000003 |                | 404",
            "DELETE | /api/city-admins/+8613600000001 |                | 200",
    })
    void cityAdminsAreMadeAndRemovedWithTheAdminToken(String method, String path, String json, int status) throws Exception {
        assertEquals(status, gw.admin(method, path, json).statusCode());
    }
}
