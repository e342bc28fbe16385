package org.shouhu.gateway.e2e;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.COORDINATOR;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.templates.SafetyLessons;

/**
 * The safety loop end to end: the clock moves through a site day, the safety loop fires what is
 * due (as Quartz's sweep does), and each test asserts the exact SMS phones get and the ladder record.
 */
class SafetyLoopTest {

    static final String SIG = "【守护托管】";
    static final LocalDate DAY = LocalDate.parse("2026-07-15");

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("07:30");
        assertEquals(200, gw.admin("PUT", "/api/counties/昭阳区/coordinator",
                "{\"phone\":\"" + COORDINATOR + "\",\"name\":\"刘主任\"}").statusCode());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private Ladder ladder(LadderKind kind, String rosterNo) {
        return gw.gateway.safetyStore().ladder(Ladder.id(kind, "ZT0427", DAY, child(rosterNo))).orElseThrow();
    }

    /** The id of the child with roster number {@code "c" + n} (ids come from Redis's clock, so only the roster number is known). */
    private String child(String rosterNo) {
        int no = Integer.parseInt(rosterNo.substring(1));
        return gw.gateway.care().roster("ZT0427").stream().filter(c -> c.rosterNo() == no).findFirst().orElseThrow().id();
    }

    @Test
    void aChildWhoDoesNotArriveRaisesTheLadderGuardiansCaptainCoordinator() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        gw.text(LI_GRANDMA, "2");
        gw.sent();

        gw.tick("08:29");
        assertEquals(List.of(), gw.sent(), "not before 30 minutes after opening");
        gw.tick("08:30");
        assertEquals(List.of(new Sms(ZHANG_GRANDPA, SIG + "张小刚今天未到托管点。回1已在路上 回2今天不来")), gw.sent(),
                "only the child neither checked in nor reported absent");

        gw.tick("08:45");
        assertEquals(List.of(new Sms(CAPTAIN, SIG + "3号张小刚08:00后未到，家长15分钟未回复。请打电话：爷爷+8613912340003")),
                gw.sent());
        gw.tick("09:00");
        assertEquals(List.of(new Sms(COORDINATOR,
                SIG + "永丰小学托管点3号张小刚今天未到，家长和队长30分钟未回复。家长电话：爷爷+8613912340003")), gw.sent());
        gw.tick("09:30");
        assertEquals(List.of(), gw.sent(), "the ladder ends with the coordinator");

        Ladder ladder = ladder(LadderKind.NO_SHOW, "c3");
        assertEquals(List.of("guardians@2026-07-15T00:30:00Z", "captain@2026-07-15T00:45:00Z",
                "coordinator@2026-07-15T01:00:00Z"), ladder.steps());
        assertTrue(ladder.closed());
    }

    @Test
    void theGuardiansAnswerClosesTheLadder() throws Exception {
        gw.tick("08:30");
        gw.sent();
        gw.tick("08:45");
        gw.sent(); // the captain hears of all three
        assertEquals(java.util.Set.of(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, child("c1")),
                Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, child("c2")), Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, child("c3"))),
                gw.redis().smembers("sh:ladders:ZT0427:2026-07-15:open"), "the site day's open ladders, in one set");
        gw.text(WANG_FATHER, "1");
        assertEquals(List.of(new Sms(CAPTAIN, SIG + "1号王小明家长回复：在路上。"), // the escalation's news first (urgent lane)
                new Sms(WANG_FATHER, SIG + "收到，已告诉托管点王小明在路上。")), gw.sent());
        gw.text(LI_GRANDMA, "2");
        assertEquals(List.of(new Sms(LI_GRANDMA, SIG + "已记下李小红今天请假，托管点已知道。回4查询"),
                new Sms(CAPTAIN, SIG + "2号李小红今天请假（外婆报告）。")), gw.sent());
        gw.at("08:50");
        gw.text(VOLUNTEER, "到 3");
        gw.sent();
        gw.tick("09:00");
        assertEquals(List.of(), gw.sent(), "every ladder was closed: the coordinator is not called");
        assertEquals(java.util.Set.of(), gw.redis().smembers("sh:ladders:ZT0427:2026-07-15:open"));
        assertEquals("closed:on-the-way@2026-07-15T00:45:00Z", ladder(LadderKind.NO_SHOW, "c1").steps().get(2));
        assertEquals("closed:absent@2026-07-15T00:45:00Z", ladder(LadderKind.NO_SHOW, "c2").steps().get(2));
        assertEquals("closed:checked-in@2026-07-15T00:50:00Z", ladder(LadderKind.NO_SHOW, "c3").steps().get(2));
    }

    @Test
    void aLadderClosedWhileItsNextStepWasPreparedTakesNoStep() throws Exception {
        gw.tick("08:30");
        gw.sent();
        String id = Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, child("c1"));
        gw.text(WANG_FATHER, "1"); // closes the ladder …
        // … just after the sweep read it as open and composed the captain's SMS
        assertEquals(java.util.Optional.empty(), gw.gateway.safetyStore().stepLadder(id, 1,
                GatewayUnderTest.at("2026-07-15", "08:45"), "captain@2026-07-15T00:45:00Z",
                GatewayUnderTest.at("2026-07-15", "09:00"), List.of(org.shouhu.routes.model.OutboundMessage.of(
                        new org.shouhu.routes.model.Address(CAPTAIN), org.shouhu.templates.TemplateKey.NO_SHOW_TO_CAPTAIN,
                        Map.of(), org.shouhu.routes.model.MessageClass.SAFETY))));
        assertEquals(0, OutboxStreams.length(gw.redis()), "nothing queued for the captain");
        Ladder ladder = ladder(LadderKind.NO_SHOW, "c1");
        assertTrue(ladder.closed());
        assertEquals(0, ladder.step());
        assertEquals("closed:on-the-way@2026-07-15T00:30:00Z", ladder.steps().get(ladder.steps().size() - 1));
    }

    @Test
    void pickupReminderThenOverdueAndAnEscortRequestTurnsIntoAnEscort() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1 2 3");
        gw.sent();
        gw.at("16:50");
        gw.text(VOLUNTEER, "走 3 爷爷");
        gw.sent();

        gw.tick("17:00");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "请于17:30前到永丰小学托管点接王小明。不能来接回3"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "请于17:30前到永丰小学托管点接李小红。不能来接回3"), to(sent, LI_GRANDMA));
        assertEquals(List.of(), to(sent, ZHANG_GRANDPA), "a child already picked up is not reminded of");

        gw.tick("17:35");
        gw.sent(); // the day's drowning alert
        gw.tick("17:45");
        sent = gw.sent();
        assertEquals(List.of(SIG + "王小明还在永丰小学托管点，已过17:30。回1马上来接 回3请护送"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "李小红还在永丰小学托管点，已过17:30。回1马上来接 回3请护送"), to(sent, LI_GRANDMA));

        gw.text(LI_GRANDMA, "3");
        sent = gw.sent();
        assertEquals(List.of(SIG + "已请托管点护送李小红回家，志愿者会联系你。"), to(sent, LI_GRANDMA));
        assertEquals(List.of(SIG + "2号李小红今天请护送回家，外婆电话+8613912340002。"), to(sent, CAPTAIN));
        JsonNode today = json.readTree(gw.admin("GET", "/api/sites/ZT0427/today", null).body());
        assertTrue(today.get("children").get(1).get("escortRequested").asBoolean(), today.toString());

        gw.tick("18:00");
        assertEquals(List.of(new Sms(CAPTAIN, SIG + "1号王小明过了17:30还没人接，家长15分钟未回复。请打电话：爸爸+8613712340000，奶奶+8613912345678")),
                gw.sent(), "the escort request closed 李小红's ladder; 王小明's climbs to the captain");
    }

    @Test
    void theDrowningAlertGoesAfterPickupTimeAndGuardiansAcknowledgeIt() throws Exception {
        gw.tick("17:35");
        String lesson = SafetyLessons.drowning(DAY.toEpochDay());
        String text = SIG + "防溺水提醒：" + lesson + "。请和孩子说一说。回1收到";
        List<Sms> sent = gw.sent();
        assertEquals(List.of(text), to(sent, WANG_GRANDMA));
        assertEquals(List.of(text), to(sent, ZHANG_GRANDPA));
        assertEquals(4, sent.size());

        gw.text(WANG_GRANDMA, "1");
        assertEquals(List.of(SIG + "收到，谢谢。请看好孩子，远离河边水塘。"), to(gw.sent(), WANG_GRANDMA));
        gw.tick("17:40");
        assertEquals(List.of(), gw.sent(), "once a day");
        String alertId = gw.redis().keys("sh:alert:a*").stream().filter(k -> k.chars().filter(c -> c == ':').count() == 2)
                .findFirst().orElseThrow().substring("sh:alert:".length());
        JsonNode alert = json.readTree(gw.admin("GET", "/api/alerts/" + alertId, null).body());
        assertEquals(4, alert.get("sent").asInt());
        assertEquals(1, alert.get("acknowledged").asInt());
        assertEquals(List.of(LI_GRANDMA, WANG_FATHER, ZHANG_GRANDPA).stream().sorted().toList(),
                json.convertValue(alert.get("notAcknowledged"), List.class));
    }

    /** Before the days a site does not open, the drowning alert says so: the child is at home by the water. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "2026-07-15 | {\"days\":\"12345\"}                          | 防溺水提醒：{lesson}。请和孩子说一说。回1收到",
        "2026-07-17 | {\"days\":\"12345\"}                          | 防溺水提醒：接下来2天托管点不开，孩子在家。{lesson}。请看好孩子，不去河边水塘。回1收到",
        "2026-07-15 | {\"days\":\"12345\",\"closed\":\"2026-07-16\"}  | 防溺水提醒：接下来1天托管点不开，孩子在家。{lesson}。请看好孩子，不去河边水塘。回1收到",
        "2026-07-17 | {\"days\":\"12345\",\"closed\":\"2026-07-20\"}  | 防溺水提醒：接下来3天托管点不开，孩子在家。{lesson}。请看好孩子，不去河边水塘。回1收到",
        "2026-07-15 | {\"days\":\"12345\",\"to\":\"2026-07-15\"}      | 防溺水提醒：托管点今天结束，孩子回家过暑假。{lesson}。请看好孩子，不去河边水塘。回1收到",
    })
    void theDrowningAlertBeforeDaysOffSaysTheChildIsAtHome(String date, String schedule, String text) throws Exception {
        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427/schedule", schedule).statusCode());
        gw.clock.set(GatewayUnderTest.at(date, "17:35"));
        gw.gateway.runSafety();
        gw.gateway.drainOutbox();
        String lesson = SafetyLessons.drowning(java.time.LocalDate.parse(date).toEpochDay());
        assertEquals(List.of(SIG + text.replace("{lesson}", lesson)), to(gw.sent(), ZHANG_GRANDPA));
    }

    @Test
    void aCoordinatorSendsAnAlertToTheCountyNow() throws Exception {
        var response = gw.admin("POST", "/api/alerts",
                "{\"scope\":\"county:昭阳区\",\"kind\":\"drowning\",\"text\":\"今晚有暴雨，河水上涨，请看好孩子，不要靠近河边。\"}");
        assertEquals(201, response.statusCode(), response.body());
        gw.gateway.drainOutbox();
        List<Sms> sent = gw.sent();
        assertEquals(4, sent.size());
        assertEquals(List.of(SIG + "今晚有暴雨，河水上涨，请看好孩子，不要靠近河边。 回1收到"), to(sent, LI_GRANDMA));
        assertEquals(404, gw.admin("POST", "/api/alerts", "{\"scope\":\"county:威信县\",\"text\":\"x\"}").statusCode());
        assertEquals(400, gw.admin("POST", "/api/alerts", "{\"scope\":\"city\",\"text\":\"详见 www.example.cn\"}").statusCode());
        assertEquals(400, gw.admin("POST", "/api/alerts", "{\"scope\":\"everywhere\",\"text\":\"x\"}").statusCode());
    }

    @Test
    void aCoordinatorWhoseAnswerWasLostAsksAgainAndNoOneHearsTwice() throws Exception {
        String request = "{\"scope\":\"county:昭阳区\",\"text\":\"山洪预警，今晚不要去河边。\",\"requestId\":\"console-7f3a9c2e\"}";
        var first = gw.admin("POST", "/api/alerts", request);
        assertEquals(201, first.statusCode(), first.body());
        var again = gw.admin("POST", "/api/alerts", request);
        assertEquals(200, again.statusCode(), again.body());
        JsonNode firstBody = json.readTree(first.body());
        JsonNode againBody = json.readTree(again.body());
        assertEquals("a-req-console-7f3a9c2e", firstBody.get("id").asText());
        assertEquals(firstBody.get("id"), againBody.get("id"));
        assertTrue(againBody.get("repeated").asBoolean());
        gw.gateway.drainOutbox();
        assertEquals(4, gw.sent().size(), "each guardian once");
        var afterwards = gw.admin("POST", "/api/alerts", request);
        assertEquals(200, afterwards.statusCode(), afterwards.body());
        assertEquals(4, json.readTree(afterwards.body()).get("recipients").asInt());
        assertEquals(List.of(), gw.sent(), "asked again after it went out: still no one twice");
        var reused = gw.admin("POST", "/api/alerts", request.replace("山洪预警", "暴雨预警"));
        assertEquals(409, reused.statusCode(), "a console that reuses its id for a new alert hears so: " + reused.body());
        var bad = gw.admin("POST", "/api/alerts", "{\"scope\":\"city\",\"text\":\"x\",\"requestId\":\"a/b\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("requestId"), bad.body());
    }

    @Test
    void theDaysLessonIsRepeatedToEveryGuardian() throws Exception {
        gw.at("10:00");
        gw.text(CAPTAIN, "课 防溺水");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "永丰小学托管点今天上了防溺水安全课，请在家和孩子再说一说。不私自下水，不去河边水塘。"),
                to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "已记录今天的防溺水课，已通知4位家长。"), to(sent, CAPTAIN));
        assertEquals("防溺水", gw.gateway.safetyStore().lesson("ZT0427", DAY).orElseThrow());

        var api = gw.admin("POST", "/api/sites/ZT0427/lessons", "{\"topic\":\"交通安全\"}");
        assertEquals(201, api.statusCode(), api.body());
        gw.gateway.drainOutbox();
        assertEquals(List.of(SIG + "永丰小学托管点今天上了交通安全课，请在家和孩子再说一说。"), to(gw.sent(), LI_GRANDMA));
        assertEquals(400, gw.admin("POST", "/api/sites/ZT0427/lessons", "{}").statusCode());
    }

    @Test
    void routineNoticesWaitForMorningButAlertsGoAtAnyHour() throws Exception {
        gw.at("21:30");
        gw.text(CAPTAIN, "通知 明天下雨，请8点前送到");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(new Sms(CAPTAIN, SIG + "4条通知早上08:00开始发，约1分钟内发完。回进度查看")), sent,
                "the reply goes and says when the notices will; they wait");
        gw.text(CAPTAIN, "进度");
        assertEquals(List.of(SIG + "通知4条：已发0。剩4条，早上08:00开始，约1分钟内发完。"), to(gw.sent(), CAPTAIN));
        assertEquals(201, gw.admin("POST", "/api/alerts", "{\"scope\":\"site:ZT0427\",\"text\":\"山洪预警，今晚不要去河边。\"}").statusCode());
        gw.gateway.drainOutbox();
        assertEquals(4, gw.sent().size(), "safety alerts are not held");

        gw.clock.set(GatewayUnderTest.at("2026-07-16", "07:59"));
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent());
        gw.clock.set(GatewayUnderTest.at("2026-07-16", "08:00"));
        gw.gateway.drainOutbox();
        assertEquals(List.of(SIG + "永丰小学托管点通知：明天下雨，请8点前送到"), to(gw.sent(), WANG_GRANDMA));
    }

    @Test
    void aPendingLadderSurvivesARestartOfTheGateway() throws Exception {
        gw.tick("08:30");
        assertEquals(4, gw.sent().size());
        gw.gateway.close();
        try (Gateway restarted = Gateway.start(testConfig(Map.of()), gw.clock)) {
            gw.clock.set(GatewayUnderTest.at("2026-07-15", "08:45"));
            restarted.runSafety();
            restarted.drainOutbox();
            assertEquals(List.of(CAPTAIN, CAPTAIN, CAPTAIN), gw.sent().stream().map(Sms::to).toList(),
                    "one captain SMS per child, after the restart");
        }
    }

    @Test
    void twoNodesOnOneRedisFireEachEventOnce() throws Exception {
        try (Gateway second = Gateway.start(testConfig(Map.of("SHOUHU_NODE_ID", "second")), gw.clock)) {
            gw.at("08:30");
            second.runSafety();
            gw.gateway.runSafety();
            gw.at("08:45");
            gw.gateway.runSafety();
            second.runSafety();
            second.drainOutbox();
            gw.gateway.drainOutbox();
            List<Sms> sent = gw.sent();
            assertEquals(1, to(sent, ZHANG_GRANDPA).size());
            assertEquals(3, to(sent, CAPTAIN).size());
            assertEquals(4 + 3, sent.size());
        }
    }

    @Test
    void manySitesDueInOneSweepFireAtOnceAndEachOnceAcrossTwoNodes() throws Exception {
        List<String> grandmas = new java.util.ArrayList<>();
        String names = "甲乙丙丁戊己庚辛壬癸子丑";
        for (int i = 1; i <= 12; i++) {
            String code = String.format("ZT09%02d", i);
            String grandma = String.format("+86139000009%02d", i);
            grandmas.add(grandma);
            assertEquals(200, gw.admin("PUT", "/api/sites/" + code, "{\"name\":\"第" + i + "托管点\",\"county\":\"昭阳区\","
                    + "\"opens\":\"08:00\",\"closes\":\"17:30\"}").statusCode());
            var added = gw.admin("POST", "/api/sites/" + code + "/children", "{\"name\":\"小" + names.charAt(i - 1)
                    + "\",\"guardians\":[{\"phone\":\"" + grandma + "\",\"relation\":\"奶奶\"}]}");
            assertEquals(201, added.statusCode(), added.body());
        }
        try (Gateway second = Gateway.start(testConfig(Map.of("SHOUHU_NODE_ID", "second")), gw.clock)) {
            gw.at("08:30");
            second.runSafety();
            gw.gateway.runSafety();
            second.drainOutbox();
            gw.gateway.drainOutbox();
            List<Sms> sent = gw.sent();
            for (int i = 1; i <= 12; i++) {
                assertEquals(List.of(SIG + "小" + names.charAt(i - 1) + "今天未到托管点。回1已在路上 回2今天不来"),
                        to(sent, grandmas.get(i - 1)), "site " + i);
            }
            assertEquals(12 + 4, sent.size(), "twelve sites and the usual one, every guardian once");
        }
    }

    @Test
    void aSimulatedClockMustBeAllowedAndThenMovesTimeThroughTheApi() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> testConfig(Map.of("SHOUHU_CLOCK", "simulated")));
        assertEquals(409, gw.admin("POST", "/api/clock", "{\"now\":\"2026-07-15T08:31:00+08:00\"}").statusCode(),
                "the test gateway's clock is not simulated through the API");
        gw.gateway.close();
        try (GatewayUnderTest simulated = new GatewayUnderTest(Map.of("SHOUHU_CLOCK", "simulated",
                "SHOUHU_ALLOW_SIMULATED_CLOCK", "true")).withSite()) {
            var moved = simulated.admin("POST", "/api/clock", "{\"now\":\"2026-07-15T08:31:00+08:00\"}");
            assertEquals(200, moved.statusCode(), moved.body());
            simulated.gateway.drainOutbox();
            assertEquals(4, simulated.sent().size(), "the no-show check fired when time moved past 08:30");
            assertEquals(400, simulated.admin("POST", "/api/clock", "{\"now\":\"tomorrow\"}").statusCode());
        }
    }

    private Config testConfig(Map<String, String> extra) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(Map.of(
                "SHOUHU_HTTP_PORT", "0", "SHOUHU_PUBLIC_URL", GatewayUnderTest.PUBLIC_URL, "REDIS_URL", TestRedis.url(),
                "SHOUHU_ADMIN_TOKEN", GatewayUnderTest.ADMIN_TOKEN, "SHOUHU_OUTBOX_WORKERS", "0",
                "SHOUHU_SWEEP_SECONDS", "0", "TWILIO_ACCOUNT_SID", GatewayUnderTest.ACCOUNT,
                "TWILIO_AUTH_TOKEN", GatewayUnderTest.AUTH_TOKEN, "TWILIO_FROM", GatewayUnderTest.OUR_NUMBER));
        env.put("SHOUHU_NODE_ID", "restarted");
        GatewayUnderTest.unpaced(env);
        env.put("TWILIO_API_URL", gw.twilioApi.baseUrl());
        env.putAll(extra);
        return Config.fromEnv(env);
    }
}
