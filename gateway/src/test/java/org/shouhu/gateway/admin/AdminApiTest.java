package org.shouhu.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;

/** The admin API called directly ({@code handle}), over a real Redis. */
class AdminApiTest {

    private static final String TOKEN = "s3cret-admin-token";
    /** 09:00 in Beijing on 15 July 2026. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-15T01:00:00Z"), ZoneOffset.UTC);
    private static final CareDay DAY = new CareDay(CLOCK, ZoneId.of("Asia/Shanghai"));
    private static final LocalDate TODAY = LocalDate.of(2026, 7, 15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SITE_BODY = """
            {"name":"王家村托管点","county":"青山县","opens":"08:30","closes":"17:00"}""";

    private RedisCareStore care;
    private RedisMessages messages;
    private AdminApi api;

    @BeforeEach
    void freshRedis() {
        UnifiedJedis redis = TestRedis.fresh();
        care = new RedisCareStore(redis);
        messages = new RedisMessages(redis, CLOCK);
        api = new AdminApi(TOKEN, care, messages, DAY);
    }

    // --- refusals

    static Stream<Arguments> refusals() {
        String bearer = "Bearer " + TOKEN;
        return Stream.of(
                row("no token", "GET", "/api/sites/ZT0427/today", null, null,
                        401, "missing admin token: send the header Authorization: Bearer <token>"),
                row("wrong token", "GET", "/api/sites/ZT0427/today", null, "Bearer guess",
                        401, "wrong admin token"),
                row("token without Bearer", "GET", "/api/sites/ZT0427/today", null, TOKEN,
                        401, "wrong admin token"),
                row("unknown path", "GET", "/api/schools", null, bearer,
                        404, "no such path /api/schools; the admin API has /api/sites/{code}"),
                row("unknown path under a site", "GET", "/api/sites/ZT0427/pupils", null, bearer,
                        404, "no such path /api/sites/ZT0427/pupils"),
                row("wrong method on a site", "GET", "/api/sites/ZT0427", null, bearer,
                        405, "method GET is not allowed on /api/sites/ZT0427; use PUT"),
                row("wrong method on children", "DELETE", "/api/sites/ZT0427/children", null, bearer,
                        405, "method DELETE is not allowed on /api/sites/ZT0427/children; use POST"),
                row("bad JSON", "PUT", "/api/sites/ZT0427", "{\"name\": 王家村}", bearer,
                        400, "body is not valid JSON (line 1, column"),
                row("empty body", "PUT", "/api/sites/ZT0427", "", bearer,
                        400, "body is empty: send a JSON object"),
                row("body not an object", "PUT", "/api/sites/ZT0427", "[\"王家村\"]", bearer,
                        400, "body must be a JSON object"),
                row("misspelt field", "PUT", "/api/sites/ZT0427",
                        "{\"nmae\":\"王家村\",\"county\":\"青山县\",\"opens\":\"08:30\",\"closes\":\"17:00\"}", bearer,
                        400, "nmae is not a known field (expected code, name, county, opens, closes, volunteersMayApprove, voice)"),
                row("missing name", "PUT", "/api/sites/ZT0427",
                        "{\"county\":\"青山县\",\"opens\":\"08:30\",\"closes\":\"17:00\"}", bearer,
                        400, "name is missing"),
                row("name not text", "PUT", "/api/sites/ZT0427",
                        "{\"name\":7,\"county\":\"青山县\",\"opens\":\"08:30\",\"closes\":\"17:00\"}", bearer,
                        400, "name must be text (in \"quotes\")"),
                row("site name too long", "PUT", "/api/sites/ZT0427",
                        "{\"name\":\"青山县王家村留守儿童暑期托管服务点\",\"county\":\"青山县\",\"opens\":\"08:30\",\"closes\":\"17:00\"}",
                        bearer, 400, "name \"青山县王家村留守儿童暑期托管服务点\" is longer than 16 characters"),
                row("bad time", "PUT", "/api/sites/ZT0427",
                        "{\"name\":\"王家村\",\"county\":\"青山县\",\"opens\":\"half past eight\",\"closes\":\"17:00\"}", bearer,
                        400, "opens \"half past eight\" is not a time like 08:30"),
                row("opens after closes", "PUT", "/api/sites/ZT0427",
                        "{\"name\":\"王家村\",\"county\":\"青山县\",\"opens\":\"17:00\",\"closes\":\"08:30\"}", bearer,
                        400, "closes 08:30 must be later than opens 17:00"),
                row("bad site code", "PUT", "/api/sites/Z", SITE_BODY, bearer,
                        400, "code \"Z\" must be 2 to 16 letters or digits, like ZT0427"),
                row("body code differs from path", "PUT", "/api/sites/ZT0427",
                        "{\"code\":\"ZT0428\",\"name\":\"王家村\",\"county\":\"青山县\",\"opens\":\"08:30\",\"closes\":\"17:00\"}",
                        bearer, 400, "code \"ZT0428\" in the body differs from ZT0427 in the path"),
                row("site missing", "POST", "/api/sites/ZT9999/staff",
                        "{\"phone\":\"13800000009\",\"name\":\"李老师\",\"role\":\"captain\"}", bearer,
                        404, "no site with code ZT9999; create it first with PUT /api/sites/ZT9999"),
                row("bad staff phone", "POST", "/api/sites/ZT0427/staff",
                        "{\"phone\":\"1391234\",\"name\":\"李老师\",\"role\":\"captain\"}", bearer,
                        400, "phone \"1391234\" is not a phone number"),
                row("bad role", "POST", "/api/sites/ZT0427/staff",
                        "{\"phone\":\"13800000009\",\"name\":\"李老师\",\"role\":\"principal\"}", bearer,
                        400, "role \"principal\" is not a role: use captain or volunteer"),
                row("staff at two sites", "POST", "/api/sites/ZT0428/staff",
                        "{\"phone\":\"+8613800000001\",\"name\":\"李老师\",\"role\":\"volunteer\"}", bearer,
                        409, "this phone is already staff at site ZT0427; a phone can be staff at one site only"),
                row("child name missing", "POST", "/api/sites/ZT0427/children",
                        "{\"guardians\":[{\"phone\":\"13912345678\"}]}", bearer,
                        400, "name is missing"),
                row("child name too long", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"欧阳一二三四五六七八九十一\",\"guardians\":[{\"phone\":\"13912345678\"}]}", bearer,
                        400, "name \"欧阳一二三四五六七八九十一\" is longer than 12 characters"),
                row("child name with digits", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"王小明3\",\"guardians\":[{\"phone\":\"13912345678\"}]}", bearer,
                        400, "name \"王小明3\" must not contain digits"),
                row("bad guardian phone", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"李小红\",\"guardians\":[{\"phone\":\"13912345678\"},{\"phone\":\"139\",\"relation\":\"外公\"}]}",
                        bearer, 400, "guardians[1].phone \"139\" is not a phone number"),
                row("guardian phone not text", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"李小红\",\"guardians\":[{\"phone\":13912345678}]}", bearer,
                        400, "guardians[0].phone must be text (in \"quotes\")"),
                row("guardians not a list", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"李小红\",\"guardians\":\"13912345678\"}", bearer,
                        400, "guardians must be a list [ … ]"),
                row("no guardians", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"李小红\",\"guardians\":[]}", bearer,
                        400, "guardians is missing: give at least one guardian's phone"),
                row("same child name twice at a site", "POST", "/api/sites/ZT0427/children",
                        "{\"name\":\"王小明\",\"guardians\":[{\"phone\":\"13912345678\"}]}", bearer,
                        409, "a child named \"王小明\" is already number 1 on the roster of ZT0427"),
                row("today of a missing site", "GET", "/api/sites/ZT9999/today", null, bearer,
                        404, "no site with code ZT9999"),
                row("messages without to", "GET", "/api/messages", null, bearer,
                        400, "to is missing: give a phone number, like /api/messages?to=13912345678"),
                row("messages to a non-phone", "GET", "/api/messages?to=grandma", null, bearer,
                        400, "to \"grandma\" is not a phone number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesWithAStatusAndAReason(String what, String method, String pathAndQuery, String body,
                                      String authorization, int status, String reason) throws IOException {
        care.putSite(site("ZT0427"));
        care.putSite(site("ZT0428"));
        care.putStaff(new StaffMember(new Phone("+8613800000001"), "ZT0427", "张队长", StaffRole.CAPTAIN));
        care.addChild("ZT0427", "王小明", List.of(new Guardian(new Address("+8613900000001"), "奶奶")));

        HttpReply reply = api.handle(call(method, pathAndQuery, body, authorization));

        assertEquals(status, reply.status(), () -> new String(reply.body(), StandardCharsets.UTF_8));
        assertEquals("application/json; charset=utf-8", reply.contentType());
        String error = read(reply).get("error").asText();
        assertTrue(error.startsWith(reason), () -> "error was: " + error);
    }

    @Test
    void anEmptyTokenDisablesTheApi() throws IOException {
        AdminApi disabled = new AdminApi("", care, messages, DAY);
        HttpReply reply = disabled.handle(call("GET", "/api/sites/ZT0427/today", null, "Bearer "));
        assertEquals(503, reply.status());
        assertEquals("the admin API is disabled: no admin token is configured", read(reply).get("error").asText());
    }

    @Test
    void aRefusedCallWritesNothing() {
        HttpReply reply = api.handle(call("PUT", "/api/sites/ZT0427",
                "{\"name\":\"王家村\",\"county\":\"青山县\",\"opens\":\"17:00\",\"closes\":\"08:30\"}", "Bearer " + TOKEN));
        assertEquals(400, reply.status());
        assertTrue(care.site("ZT0427").isEmpty());
    }

    // --- setting up a site

    @Test
    void setsUpASiteItsCaptainAndTwoChildren() throws IOException {
        HttpReply site = admin("PUT", "/api/sites/zt0427", SITE_BODY);
        assertEquals(200, site.status());
        assertEquals(JSON.readTree("""
                {"code":"ZT0427","name":"王家村托管点","county":"青山县","opens":"08:30","closes":"17:00"}"""), read(site));

        HttpReply captain = admin("POST", "/api/sites/ZT0427/staff",
                "{\"phone\":\"138 0000 0001\",\"name\":\"张队长\",\"role\":\"captain\"}");
        assertEquals(201, captain.status());
        assertEquals(JSON.readTree("""
                {"site":"ZT0427","phone":"+8613800000001","name":"张队长","role":"captain"}"""), read(captain));

        HttpReply first = admin("POST", "/api/sites/ZT0427/children", """
                {"name":"王小明","guardians":[{"phone":"13900000001","relation":"奶奶"},
                                            {"phone":"+8613900000002","relation":"爷爷"},
                                            {"phone":"139-0000-0001"}]}""");
        HttpReply second = admin("POST", "/api/sites/ZT0427/children", """
                {"name":"李小红","guardians":[{"phone":"13900000003"}]}""");
        assertEquals(201, first.status());
        assertEquals(201, second.status());
        assertEquals(1, read(first).get("rosterNo").asInt());
        assertEquals(2, read(second).get("rosterNo").asInt());

        assertEquals(new Site("ZT0427", "王家村托管点", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0)),
                care.site("ZT0427").orElseThrow());
        assertEquals(List.of(new StaffMember(new Phone("+8613800000001"), "ZT0427", "张队长", StaffRole.CAPTAIN)),
                care.staffOf("ZT0427"));
        List<Child> roster = care.roster("ZT0427");
        assertEquals(List.of("1王小明", "2李小红"), roster.stream().map(Child::label).toList());
        assertEquals(read(first).get("childId").asText(), roster.get(0).id());
        assertEquals(List.of(new Guardian(new Address("+8613900000001"), "奶奶"),
                        new Guardian(new Address("+8613900000002"), "爷爷")),
                care.guardiansOf(roster.get(0).id()));
        assertEquals(List.of(new Guardian(new Address("+8613900000003"), Guardian.DEFAULT_RELATION)),
                care.guardiansOf(roster.get(1).id()));
        assertEquals(List.of(roster.get(0)), care.identify(new Address("+8613900000001")).children());
        assertTrue(care.identify(new Address("+8613800000001")).isStaff());
    }

    @Test
    void changingASiteOrAStaffMemberReplacesIt() throws IOException {
        admin("PUT", "/api/sites/ZT0427", SITE_BODY);
        admin("POST", "/api/sites/ZT0427/staff", "{\"phone\":\"13800000001\",\"name\":\"张老师\",\"role\":\"volunteer\"}");

        HttpReply site = admin("PUT", "/api/sites/ZT0427",
                "{\"code\":\"zt0427\",\"name\":\"王家村\",\"county\":\"青山县\",\"opens\":\"07:45\",\"closes\":\"17:30\"}");
        HttpReply staff = admin("POST", "/api/sites/ZT0427/staff",
                "{\"phone\":\"13800000001\",\"name\":\"张老师\",\"role\":\"captain\"}");

        assertEquals(200, site.status());
        assertEquals(LocalTime.of(7, 45), care.site("ZT0427").orElseThrow().opens());
        assertEquals(200, staff.status());
        assertEquals(List.of(StaffRole.CAPTAIN), care.staffOf("ZT0427").stream().map(StaffMember::role).toList());
    }

    // --- today

    @Test
    void todayShowsEachChildsStateAndTheCounts() throws IOException {
        care.putSite(site("ZT0427"));
        Child arrived = care.addChild("ZT0427", "王小明", List.of(grandma("13900000001")));
        Child left = care.addChild("ZT0427", "李小红", List.of(grandma("13900000002")));
        Child expected = care.addChild("ZT0427", "赵小军", List.of(grandma("13900000003")));
        Child absent = care.addChild("ZT0427", "孙小花", List.of(grandma("13900000004")));
        care.putDayRecord("ZT0427", TODAY, DayRecord.expected(arrived.id()).arrived(LocalTime.of(8, 5)));
        care.putDayRecord("ZT0427", TODAY, DayRecord.expected(left.id()).arrived(LocalTime.of(8, 10)).withEscort()
                .left(LocalTime.of(16, 30), "奶奶"));
        care.putDayRecord("ZT0427", TODAY, DayRecord.expected(absent.id()).absent());
        care.putDayRecord("ZT0427", TODAY.minusDays(1), DayRecord.expected(expected.id()).absent());

        HttpReply reply = admin("GET", "/api/sites/ZT0427/today", null);

        assertEquals(200, reply.status());
        JsonNode today = read(reply);
        assertEquals(JSON.readTree("""
                {"code":"ZT0427","name":"王家村","opens":"08:30","closes":"17:00"}"""), today.get("site"));
        assertEquals("2026-07-15", today.get("date").asText());
        assertEquals(JSON.readTree("""
                {"total":4,"expected":1,"arrived":1,"left":1,"absent":1,"escorts":1}"""), today.get("counts"));
        assertEquals(JSON.readTree("""
                [{"rosterNo":1,"childId":"%s","name":"王小明","state":"arrived","arrivedAt":"08:05",
                  "leftAt":null,"pickedUpBy":null,"escortRequested":false},
                 {"rosterNo":2,"childId":"%s","name":"李小红","state":"left","arrivedAt":"08:10",
                  "leftAt":"16:30","pickedUpBy":"奶奶","escortRequested":true},
                 {"rosterNo":3,"childId":"%s","name":"赵小军","state":"expected","arrivedAt":null,
                  "leftAt":null,"pickedUpBy":null,"escortRequested":false},
                 {"rosterNo":4,"childId":"%s","name":"孙小花","state":"absent","arrivedAt":null,
                  "leftAt":null,"pickedUpBy":null,"escortRequested":false}]"""
                .formatted(arrived.id(), left.id(), expected.id(), absent.id())), today.get("children"));
    }

    @Test
    void todayOfASiteWithoutChildren() throws IOException {
        care.putSite(site("ZT0427"));
        JsonNode today = read(admin("GET", "/api/sites/ZT0427/today", null));
        assertEquals(0, today.get("counts").get("total").asInt());
        assertTrue(today.get("children").isEmpty());
    }

    // --- messages

    @Test
    void messagesToANumberNewestFirstHoweverThePlusArrives() throws IOException {
        Address grandma = new Address("+8613912345678");
        OutboundMessage arrival = messages.enqueue(List.of(message(grandma, TemplateKey.ARRIVAL))).get(0);
        String first = arrival.id();
        messages.enqueue(List.of(message(new Address("+8613900000009"), TemplateKey.NOTICE)));
        OutboundMessage pickup = messages.enqueue(List.of(message(grandma, TemplateKey.PICKUP))).get(0);
        String second = pickup.id();
        OutboundMessage stillQueued = messages.enqueue(List.of(message(grandma, TemplateKey.NOTICE))).get(0);
        messages.recordSent(queued(arrival), "sms", "【守护】王小明08:05已到托管点。", new SendReceipt("SM123", DeliveryStatus.SENT));
        messages.holdUntil(List.of(queued(pickup)), "quiet-hours", CLOCK.instant().plusSeconds(3600));

        for (String to : List.of(" 8613912345678", "+8613912345678", "8613912345678", "13912345678")) {
            HttpCall call = call("GET", "/api/messages", null, "Bearer " + TOKEN);
            call = new HttpCall(call.method(), call.path(), Map.of("to", List.of(to)), call.headers(), call.body());
            HttpReply reply = api.handle(call);

            assertEquals(200, reply.status(), to);
            JsonNode list = read(reply);
            assertEquals(2, list.size(), to + ": not the one still in the outbox, " + stillQueued.id());
            assertEquals(second, list.get(0).get("id").asText());
            assertEquals("pickup", list.get(0).get("template").asText());
            assertEquals("pending", list.get(0).get("status").asText());
            assertEquals("quiet-hours", list.get(0).get("error").asText());
            assertTrue(list.get(0).get("text").isNull());
            JsonNode sent = list.get(1);
            assertEquals(first, sent.get("id").asText());
            assertEquals("+8613912345678", sent.get("to").asText());
            assertEquals("arrival", sent.get("template").asText());
            assertEquals("【守护】王小明08:05已到托管点。", sent.get("text").asText());
            assertEquals("sent", sent.get("status").asText());
            assertEquals("SM123", sent.get("providerId").asText());
            assertEquals(1, sent.get("attempts").asInt());
            assertTrue(sent.get("error").isNull());
            assertEquals(CLOCK.instant().toString(), sent.get("createdAt").asText());
            assertEquals(CLOCK.instant().toString(), sent.get("updatedAt").asText());
        }
    }

    @Test
    void noMessagesToANumberIsAnEmptyList() throws IOException {
        JsonNode list = read(admin("GET", "/api/messages?to=%2B8613912345678", null));
        assertTrue(list.isArray());
        assertFalse(list.elements().hasNext());
    }

    // --- helpers

    private HttpReply admin(String method, String pathAndQuery, String body) {
        return api.handle(call(method, pathAndQuery, body, "Bearer " + TOKEN));
    }

    /** A call as the Netty server hands it over: query decoded, header names lower-cased. */
    private static HttpCall call(String method, String pathAndQuery, String body, String authorization) {
        String path = pathAndQuery;
        Map<String, List<String>> query = new HashMap<>();
        int q = pathAndQuery.indexOf('?');
        if (q >= 0) {
            path = pathAndQuery.substring(0, q);
            for (String pair : pathAndQuery.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], List.of(java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8)));
            }
        }
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new HttpCall(method, path, query, headers, bytes);
    }

    private static JsonNode read(HttpReply reply) throws IOException {
        return JSON.readTree(reply.body());
    }

    private static Site site(String code) {
        return new Site(code, "王家村", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0));
    }

    private static Guardian grandma(String phone) {
        return new Guardian(Address.of(Phone.parse(phone).orElseThrow()), "奶奶");
    }

    /** A message as the outbox hands it to the outbound route: queued, no outcome yet. */
    private static StoredMessage queued(OutboundMessage m) {
        return StoredMessage.queued(m, CLOCK.instant());
    }

    private static OutboundMessage message(Address to, TemplateKey template) {
        return OutboundMessage.of(to, template, Map.of("child", "王小明"), MessageClass.ROUTINE);
    }

    private static Arguments row(String what, String method, String pathAndQuery, String body, String authorization,
                                 int status, String reason) {
        return Arguments.of(what, method, pathAndQuery, body, authorization, status, reason);
    }
}
