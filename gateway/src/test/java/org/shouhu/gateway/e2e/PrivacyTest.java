package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * PIPL against a real gateway: a child's data exported and erased (Redis walked with SCAN
 * afterwards), a site removed, and every admin change in the audit log.
 */
class PrivacyTest {

    static final String STRANGER = "+8613600000009";
    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    /** The child 1王小明's id (ids are sparse: they never repeat). */
    private String wang;

    /** A day of the child 1王小明: in and out, an invite code, a stranger's registration for it, an opt-out. */
    private void aDayOfWangXiaoming() throws Exception {
        wang = gw.childId(1);
        gw.at("08:05");
        gw.text(CAPTAIN, "到 1 2");
        gw.text(WANG_GRANDMA, "YQ");
        gw.text(STRANGER, "DJ 王小明 ZT0427");
        gw.at("17:05");
        gw.text(CAPTAIN, "走 1 奶奶");
        gw.text(WANG_FATHER, "TD");
        gw.sent();
    }

    @Test
    void theExportHoldsTheChildsGuardiansDayRecordsAndMessages() throws Exception {
        aDayOfWangXiaoming();
        HttpResponse<String> export = gw.admin("GET", "/api/sites/ZT0427/children/" + gw.childId(1) + "/export", null);
        assertEquals(200, export.statusCode(), export.body());
        JsonNode e = json.readTree(export.body());
        assertEquals("王小明", e.get("child").get("name").asText());
        List<String> guardians = new ArrayList<>();
        e.get("guardians").forEach(g -> guardians.add(g.get("address").asText() + " " + g.get("relation").asText()
                + (g.get("optedOut").asBoolean() ? " opted out" : "")));
        assertEquals(List.of(WANG_FATHER + " 爸爸 opted out", WANG_GRANDMA + " 奶奶"), guardians);
        assertEquals(1, e.get("dayRecords").size());
        JsonNode day = e.get("dayRecords").get(0);
        assertEquals("2026-07-15 LEFT 08:05 17:05 奶奶", day.get("date").asText() + " " + day.get("state").asText() + " "
                + day.get("arrivedAt").asText() + " " + day.get("leftAt").asText() + " " + day.get("pickedUpBy").asText());
        List<String> messages = new ArrayList<>();
        e.get("messages").forEach(m -> messages.add(m.get("to").asText() + " " + m.get("template").asText()));
        assertTrue(messages.containsAll(List.of(WANG_GRANDMA + " ARRIVAL", WANG_FATHER + " ARRIVAL", WANG_GRANDMA + " PICKUP",
                WANG_GRANDMA + " INVITE_CODE", CAPTAIN + " REGISTER_TO_STAFF")), messages.toString());
        assertTrue(messages.stream().noneMatch(m -> m.startsWith(LI_GRANDMA)), "another child's guardian is not in it: " + messages);
        assertEquals(1, e.get("invites").size());
        assertEquals(STRANGER, e.get("registrations").get(0).get("guardian").asText());
        assertEquals(404, gw.admin("GET", "/api/sites/ZT0427/children/c99/export", null).statusCode());
    }

    @Test
    void erasingAChildLeavesNoKeyOrValueThatNamesIt() throws Exception {
        aDayOfWangXiaoming();
        String ladder = "sh:ladder:NO_SHOW:ZT0427:2026-07-14:" + wang; // yesterday's no-show, its first step taken
        gw.redis().hset(ladder, java.util.Map.of("site", "ZT0427", "date", "2026-07-14", "child", wang, "step", "0"));
        gw.redis().set(ladder + ":queued:0", "1");
        gw.redis().zadd("sh:site:ZT0427:ladders", java.time.LocalDate.parse("2026-07-14").toEpochDay(),
                ladder.substring("sh:ladder:".length())); // among its site's ladders, for reports
        assertTrue(naming().size() > 10, "the day left the child's traces: " + naming());

        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/children/" + wang, null).statusCode());
        assertEquals(List.of(), naming());
        List<String> invite = new ArrayList<>();
        scan(gw.redis(), key -> {
            if (key.startsWith("sh:invite:")) {
                invite.add(key);
            }
        });
        assertEquals(List.of(), invite, "the code named only this child: it goes with its use count and its expiry");
        assertEquals(404, gw.admin("DELETE", "/api/sites/ZT0427/children/" + wang, null).statusCode());

        HttpResponse<String> today = gw.admin("GET", "/api/sites/ZT0427/today", null);
        assertTrue(today.body().contains("李小红") && today.body().contains("08:05"), "the other children keep their day: " + today.body());
        gw.at("17:10");
        gw.text(CAPTAIN, "走 2");
        assertEquals(1, GatewayUnderTest.to(gw.sent(), LI_GRANDMA).size());
    }

    @Test
    void anErasureCutShortIsFinishedByTheNextCall() throws Exception {
        aDayOfWangXiaoming();
        org.shouhu.routes.fault.Failpoints.configure("erase.child.before-last=throw@1");
        try {
            assertEquals(500, gw.admin("DELETE", "/api/sites/ZT0427/children/" + wang, null).statusCode());
        } finally {
            org.shouhu.routes.fault.Failpoints.configure("");
        }
        assertTrue(gw.redis().exists("sh:child:" + wang), "the child is still findable, so the erasure can be asked again");
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/children/" + wang, null).statusCode());
        assertEquals(List.of(), naming());
    }

    @Test
    void removingASiteRemovesItsStaffChildrenAndDays() throws Exception {
        aDayOfWangXiaoming();
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427", null).statusCode());
        List<String> left = new ArrayList<>();
        scan(gw.redis(), key -> {
            if (key.contains("ZT0427") || key.startsWith("sh:child:") || key.startsWith("sh:guardian:") || key.startsWith("sh:staff:")) {
                left.add(key);
            }
        });
        assertEquals(List.of(), left);
        assertEquals(404, gw.admin("GET", "/api/sites/ZT0427/today", null).statusCode());
        gw.text(CAPTAIN, "到 1");
        assertTrue(gw.sent().stream().noneMatch(s -> s.body().contains("已签到")), "the former captain is not obeyed");
    }

    @Test
    void everyAdminChangeIsInTheAuditLog() throws Exception {
        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427", "{\"volunteersMayApprove\":true}").statusCode());
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/staff/%2B8613800000002", null).statusCode());
        String zhang = gw.childId(3);
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/children/" + zhang, null).statusCode());
        assertEquals(404, gw.admin("DELETE", "/api/sites/ZT0427/children/" + zhang, null).statusCode());
        HttpResponse<String> audit = gw.admin("GET", "/api/audit", null);
        assertEquals(200, audit.statusCode());
        List<String> entries = new ArrayList<>();
        json.readTree(audit.body()).forEach(a -> entries.add(a.get("who").asText() + " " + a.get("what").asText() + " " + a.get("status").asInt()));
        assertEquals(List.of(
                "admin DELETE /api/sites/ZT0427/children/" + zhang + " 200",
                "admin DELETE /api/sites/ZT0427/staff/138****0002 200",
                "admin PUT /api/sites/ZT0427 200",
                "admin POST /api/sites/ZT0427/children 201",
                "admin POST /api/sites/ZT0427/children 201",
                "admin POST /api/sites/ZT0427/children 201",
                "admin POST /api/sites/ZT0427/staff 201",
                "admin POST /api/sites/ZT0427/staff 201",
                "admin PUT /api/sites/ZT0427 200"), entries, "newest first; refusals and reads are not changes");
        assertEquals("2026-07-15T01:00:00Z", json.readTree(audit.body()).get(0).get("at").asText(), "when, by the gateway's clock");
        assertEquals("stream", gw.redis().type("sh:audit"));
    }

    @Test
    void badRequestsGetAStatusAndAReason() throws Exception {
        record Bad(String method, String path, String body, int status, String error) {
        }
        for (Bad bad : List.of(
                new Bad("PUT", "/api/sites/ZT0427", "{\"volunteersMayApprove\":\"yes\"}", 400,
                        "volunteersMayApprove must be true or false (without quotes)"),
                new Bad("PUT", "/api/sites/ZT9999", "{\"volunteersMayApprove\":true}", 404,
                        "no site with code ZT9999; create it first with PUT /api/sites/ZT9999"),
                new Bad("DELETE", "/api/sites/ZT0427/staff/abc", null, 400, "phone \"abc\" is not a phone number"),
                new Bad("DELETE", "/api/sites/ZT0427/staff/%2B8613912345678", null, 404, "this phone is not staff at site ZT0427"),
                new Bad("DELETE", "/api/sites/ZT0427/children/c99", null, 404, "no child c99 at site ZT0427"),
                new Bad("POST", "/api/sites/ZT0427/children/" + gw.childId(1) + "/export", null, 405,
                        "method POST is not allowed on /api/sites/ZT0427/children/" + gw.childId(1) + "/export; use GET"),
                new Bad("GET", "/api/audit?limit=0", null, 400, "limit must be between 1 and 500"),
                new Bad("DELETE", "/api/sites/ZT9999", null, 404, "no site with code ZT9999; create it first with PUT /api/sites/ZT9999"))) {
            HttpResponse<String> answer = gw.admin(bad.method(), bad.path(), bad.body());
            assertEquals(bad.status(), answer.statusCode(), bad + ": " + answer.body());
            assertEquals(bad.error(), json.readTree(answer.body()).get("error").asText(), bad.toString());
        }
    }

    /** Every key, and every value of every key, that names the child 1王小明 (its id), its name or its guardians' numbers. */
    private List<String> naming() {
        Pattern child = Pattern.compile("(?<![0-9A-Za-z])" + Pattern.quote(wang) + "(?![0-9])|王小明|" + Pattern.quote(WANG_GRANDMA) + "|" + Pattern.quote(WANG_FATHER)
                + "|" + Pattern.quote(WANG_GRANDMA.substring(3)) + "|" + Pattern.quote(WANG_FATHER.substring(3)));
        UnifiedJedis redis = gw.redis();
        List<String> found = new ArrayList<>();
        scan(redis, key -> {
            if (key.equals("sh:audit")) {
                return; // the audit log names the child's id in the path of each change: an id, no data
            }
            String content = switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> redis.hgetAll(key).toString();
                case "list" -> redis.lrange(key, 0, -1).toString();
                case "set" -> redis.smembers(key).toString();
                case "zset" -> redis.zrange(key, 0, -1).toString();
                case "stream" -> redis.xrange(key, "-", "+").toString();
                default -> "";
            };
            if (child.matcher(key).find() || child.matcher(content).find()) {
                found.add(key);
            }
        });
        return found;
    }

    private static void scan(UnifiedJedis redis, java.util.function.Consumer<String> each) {
        ScanParams all = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, all);
            page.getResult().forEach(each);
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
