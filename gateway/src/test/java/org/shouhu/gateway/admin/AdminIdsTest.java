package org.shouhu.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisCareStore;
import org.shouhu.gateway.store.redis.RedisMessages;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;

/** Every id in an admin path is checked before it reaches Redis: a clear 400, never a 500 from a key of another type. */
class AdminIdsTest {

    private static final String TOKEN = "s3cret-admin-token";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-15T01:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminApi api;
    private Child child;

    @BeforeEach
    void siteWithOneChild() {
        var redis = TestRedis.fresh();
        RedisCareStore care = new RedisCareStore(redis);
        api = new AdminApi(TOKEN, care, new RedisMessages(redis, CLOCK), new CareDay(CLOCK, ZoneId.of("Asia/Shanghai")));
        care.putSite(new Site("ZT0427", "王家村", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0)));
        child = care.addChild("ZT0427", "王小明",
                List.of(new Guardian(Address.of(Phone.parse("13912345678").orElseThrow()), "奶奶")));
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                // the case: a child id that names another key of the child (a Redis set)
                Arguments.of("DELETE", "/api/sites/ZT0427/children/{child}:guardians/guardians/13912345678", 400,
                        "childId \"{child}:guardians\" is not a child id: letters, digits, - or _, like c12"),
                Arguments.of("POST", "/api/sites/ZT0427/children/{child}:guardians/invite", 400,
                        "childId \"{child}:guardians\" is not a child id"),
                Arguments.of("DELETE", "/api/sites/ZT0427/children/王小明/guardians/13912345678", 400,
                        "childId \"王小明\" is not a child id"),
                Arguments.of("DELETE", "/api/sites/ZT0427/children/{child}/guardians/13912345678:x", 400,
                        "address \"13912345678:x\" is not a phone number or a chat account like telegram:12345"),
                Arguments.of("DELETE", "/api/sites/ZT0427/children/{child}/guardians/grandma", 400,
                        "address \"grandma\" is not a phone number"),
                Arguments.of("GET", "/api/sites/ZT0427:x/today", 400,
                        "code \"ZT0427:x\" must be 2 to 16 letters or digits, like ZT0427"),
                Arguments.of("POST", "/api/sites/ZT 0427/children", 400, "code \"ZT 0427\" must be 2 to 16"),
                Arguments.of("GET", "/api/alerts/a:1:to", 400, "alert id \"a:1:to\" is not an alert id"),
                Arguments.of("PUT", "/api/counties/青山县:x/coordinator", 400, "county \"青山县:x\" must be 1 to 20"),
                // well-formed ids still reach the store
                Arguments.of("DELETE", "/api/sites/ZT0427/children/c999/guardians/13912345678", 404,
                        "no child c999 at site ZT0427"),
                Arguments.of("DELETE", "/api/sites/zt0427/children/{child}/guardians/+86 0139 1234 5678", 200, null),
                Arguments.of("DELETE", "/api/sites/ZT0427/children/{child}/guardians/telegram:12345", 404,
                        "this address is not a guardian of child {child}"),
                Arguments.of("GET", "/api/sites/ZT0427/today", 200, null),
                Arguments.of("GET", "/api/sites/ZT9999/today", 404, "no site with code ZT9999"),
                Arguments.of("GET", "/api/sites//today", 404, "no such path"),
                Arguments.of("GET", "/api/alerts/a-ZT0427-2026-07-15", 404, "the safety calls are not enabled"));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} → {2}")
    @MethodSource("paths")
    void answersWithAReason(String method, String path, int status, String reason) throws IOException {
        HttpReply reply = api.handle(new HttpCall(method, path.replace("{child}", child.id()), Map.of(),
                Map.of("authorization", "Bearer " + TOKEN, "content-type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8)));
        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertAll(() -> assertEquals(status, reply.status(), body),
                () -> {
                    if (reason != null) {
                        String error = JSON.readTree(body).get("error").asText();
                        String expected = reason.replace("{child}", child.id());
                        assertEquals(expected, error.substring(0, Math.min(error.length(), expected.length())));
                    }
                });
    }
}
