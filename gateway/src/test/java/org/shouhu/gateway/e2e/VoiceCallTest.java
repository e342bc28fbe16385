package org.shouhu.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.ACCOUNT;
import static org.shouhu.gateway.testing.GatewayUnderTest.AUTH_TOKEN;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.OUR_NUMBER;
import static org.shouhu.gateway.testing.GatewayUnderTest.PUBLIC_URL;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.demo.SimulatedProvider;
import org.shouhu.gateway.demo.TwilioWebhooks;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.channel.twilio.VoiceTwiml;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;

/**
 * The voice call of a no-show ladder end to end, Twilio's Voice API stubbed by WireMock: 张小刚's
 * grandfather, who cannot read, is voice-first; his SMS alert goes unanswered, so five minutes later
 * he is called once, hears the alert twice and a menu, and his key press acts as his SMS digit would.
 */
class VoiceCallTest {

    static final String SIG = "【守护托管】";
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    static final String CALLS_PATH = "/2010-04-01/Accounts/.*/Calls.json";

    /** Exactly what the call says: the alert twice, slowly, then the no-show menu inside the gather. */
    static String twiml(String messageId) {
        String alert = "<Say language=\"cmn-CN\" voice=\"Polly.Zhiyu\"><prosody rate=\"slow\">"
                + "您好，这里是永丰小学托管点。张小刚今天还没有到托管点，也没有人请假。</prosody></Say>";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + alert + "<Pause length=\"1\"/>" + alert
                + "<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"8\" action=\"" + PUBLIC_URL
                + "/twilio/voice/gather?m=" + messageId + "\" method=\"POST\">"
                + "<Say language=\"cmn-CN\" voice=\"Polly.Zhiyu\">在路上，请按1。今天不来，请按2。</Say></Gather>"
                + "<Say language=\"cmn-CN\" voice=\"Polly.Zhiyu\">没有听到按键。托管点会再和您联系。再见。</Say></Response>";
    }

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();
    int callsSeen;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        acceptCalls();
        gw.at("07:30");
        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427/children/" + gw.childId(3) + "/guardians/" + ZHANG_GRANDPA,
                "{\"voiceFirst\":true}").statusCode());
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        gw.text(LI_GRANDMA, "2");
        gw.sent();
        gw.tick("08:30");
        assertEquals(List.of(new Sms(ZHANG_GRANDPA, SIG + "张小刚今天未到托管点。回1已在路上 回2今天不来")), gw.sent());
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    /** Twilio Voice takes every call: 201, queued, a fresh CallSid. */
    void acceptCalls() {
        gw.twilioApi.stubFor(post(urlPathMatching(CALLS_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"CA{{randomValue length=32 type='HEXADECIMAL'}}\",\"status\":\"queued\"}")
                .withTransformers("response-template")));
    }

    /** The calls Twilio's API was asked to place since the last look, each as its form. */
    List<Map<String, String>> calls() {
        var all = gw.twilioApi.findAll(postRequestedFor(urlPathMatching(CALLS_PATH)));
        List<Map<String, String>> fresh = all.subList(callsSeen, all.size()).stream()
                .map(r -> SimulatedProvider.form(r.getBodyAsString())).toList();
        callsSeen = all.size();
        return fresh;
    }

    Ladder ladder() {
        return gw.gateway.safetyStore().ladder(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, gw.childId(3))).orElseThrow();
    }

    /** The call placed at 08:35, its message id read off its status callback. */
    String theCall() {
        gw.tick("08:34");
        assertEquals(List.of(), calls(), "not before five minutes without an answer");
        gw.tick("08:35");
        List<Map<String, String>> calls = calls();
        assertEquals(1, calls.size(), calls.toString());
        Map<String, String> call = calls.get(0);
        String callback = call.get("StatusCallback");
        assertTrue(callback.startsWith(PUBLIC_URL + "/twilio/voice/status?m="), callback);
        return callback.substring(callback.indexOf("?m=") + 3);
    }

    /** Twilio posts to one of our voice webhooks, signed over our public URL as Twilio signs. */
    HttpResponse<String> webhook(String pathAndQuery, Map<String, String> fields, String signature) throws Exception {
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return raw(pathAndQuery, form.toString(), signature != null ? signature
                : TwilioWebhooks.signature(AUTH_TOKEN, PUBLIC_URL + pathAndQuery, fields));
    }

    HttpResponse<String> raw(String pathAndQuery, String body, String signature) throws Exception {
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + pathAndQuery))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> press(String messageId, String callSid, String digits) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("CallSid", callSid, "AccountSid", ACCOUNT,
                "From", OUR_NUMBER, "To", ZHANG_GRANDPA, "Digits", digits, "CallStatus", "in-progress"));
        HttpResponse<String> answer = webhook("/twilio/voice/gather?m=" + messageId, fields, null);
        gw.gateway.drainOutbox();
        return answer;
    }

    HttpResponse<String> callEnded(String messageId, String callSid, String status) throws Exception {
        return webhook("/twilio/voice/status?m=" + messageId, Map.of("CallSid", callSid, "AccountSid", ACCOUNT,
                "From", OUR_NUMBER, "To", ZHANG_GRANDPA, "CallStatus", status), null);
    }

    @Test
    void anUnansweredAlertBecomesOneCallWithTheAlertReadTwiceThenTheMenu() throws Exception {
        gw.tick("08:34");
        assertEquals(List.of(), calls());
        gw.tick("08:35");
        List<Map<String, String>> calls = calls();
        assertEquals(1, calls.size(), "one call, to the voice-first grandfather only");
        Map<String, String> call = calls.get(0);
        String messageId = call.get("StatusCallback").substring(call.get("StatusCallback").indexOf("?m=") + 3);
        assertEquals(ZHANG_GRANDPA, call.get("To"));
        assertEquals(OUR_NUMBER, call.get("From"));
        assertEquals(twiml(messageId), call.get("Twiml"));
        assertEquals(PUBLIC_URL + "/twilio/voice/status?m=" + messageId, call.get("StatusCallback"));
        assertEquals(List.of(), gw.sent(), "the call is no SMS");

        gw.tick("08:36");
        gw.tick("08:40"); // past the claim's two minutes: a claimed call is never placed again
        assertEquals(List.of(), calls(), "never twice for the same step");
        assertEquals(List.of("guardians@2026-07-15T00:30:00Z", "call@2026-07-15T00:35:00Z"), ladder().steps());

        JsonNode today = json.readTree(gw.admin("GET", "/api/sites/ZT0427/today", null).body());
        JsonNode zhang = today.get("children").get(2);
        assertEquals("[\"爷爷\"]", zhang.get("voiceFirst").toString());
        assertEquals("[\"guardians@2026-07-15T00:30:00Z\",\"call@2026-07-15T00:35:00Z\"]",
                zhang.get("ladders").get(0).get("steps").toString());
        assertFalse(today.get("children").get(0).has("voiceFirst"), "a child with no voice-first guardian shows none");
    }

    @Test
    void pressingOneOnTheCallClosesTheLadderAndTheCaptainIsNeverTold() throws Exception {
        String messageId = theCall();
        HttpResponse<String> answer = press(messageId, "CA00000000000000000000000000000001", "1");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Say language=\"cmn-CN\" voice=\"Polly.Zhiyu\">"
                + "收到，已经告诉托管点。谢谢您。再见。</Say><Hangup/></Response>", answer.body());
        assertEquals(List.of(new Sms(ZHANG_GRANDPA, SIG + "收到，已告诉托管点张小刚在路上。")), gw.sent(),
                "what his SMS 1 would have brought");

        assertEquals(200, press(messageId, "CA00000000000000000000000000000001", "1").statusCode(),
                "Twilio repeats the webhook");
        assertEquals(List.of(), gw.sent(), "acted on once per CallSid");

        assertEquals(200, callEnded(messageId, "CA00000000000000000000000000000001", "completed").statusCode());
        gw.tick("08:45");
        gw.tick("09:00");
        assertEquals(List.of(), gw.sent(), "neither the captain nor the coordinator is told");
        Ladder ladder = ladder();
        assertTrue(ladder.closed());
        assertEquals(List.of("guardians@2026-07-15T00:30:00Z", "call@2026-07-15T00:35:00Z",
                "call:pressed-1@2026-07-15T00:35:00Z", "closed:on-the-way@2026-07-15T00:35:00Z",
                "call:answered@2026-07-15T00:35:00Z"), ladder.steps());
    }

    @Test
    void aKeyNotOnTheCallsMenuDoesNothingAndIsToldSo() throws Exception {
        String messageId = theCall();
        HttpResponse<String> answer = press(messageId, "CA00000000000000000000000000000009", "3"); // 3 is an overdue call's
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(VoiceTwiml.answer("没有这个选项。托管点会再和您联系。再见。"), answer.body());
        assertEquals(List.of(), gw.sent(), "no escort asked for a child who never came");
        assertFalse(ladder().closed());
        gw.tick("08:45");
        assertTrue(gw.sent().stream().anyMatch(s -> s.to().equals(CAPTAIN)), "the captain is told on time");
    }

    @Test
    void pressingTwoRecordsTheAbsenceAsHisSmsTwoWould() throws Exception {
        String messageId = theCall();
        HttpResponse<String> answer = press(messageId, "CA00000000000000000000000000000002", "2");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(VoiceTwiml.answer("收到，已经记下今天不来。谢谢您。再见。"), answer.body());
        assertEquals(List.of(new Sms(ZHANG_GRANDPA, SIG + "已记下张小刚今天请假，托管点已知道。回4查询")), gw.sent());
        assertTrue(ladder().closed());
        assertEquals("closed:absent@2026-07-15T00:35:00Z", ladder().steps().get(ladder().steps().size() - 1));
        gw.tick("08:45");
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void aCallTwilioKeepsRefusingIsGivenUpBeforeTheCaptainsStepNotRetriedForHours() {
        gw.twilioApi.stubFor(post(urlPathMatching(CALLS_PATH)).willReturn(aResponse().withStatus(503)));
        theCall();
        for (int minute = 36; minute <= 50; minute++) {
            gw.tick("08:" + minute);
        }
        assertTrue(calls().size() >= 1, "retried while the call still comes before the captain's step");
        gw.tick("12:00");
        gw.tick("18:00");
        assertEquals(List.of(), calls(), "no call to a grandfather hours after the captain took over");
        assertTrue(gw.sent().stream().anyMatch(s -> s.to().equals(CAPTAIN)), "the captain was told at 08:45");
    }

    @Test
    void noAnswerIsRecordedAndTheLadderGoesOnToTheCaptainOnTime() throws Exception {
        String messageId = theCall();
        assertEquals(200, callEnded(messageId, "CA00000000000000000000000000000003", "no-answer").statusCode());
        gw.tick("08:44");
        assertEquals(List.of(), gw.sent());
        gw.tick("08:45");
        assertEquals(List.of(new Sms(CAPTAIN, SIG + "3号张小刚08:00后未到，家长15分钟未回复。请打电话：爷爷+8613912340003")),
                gw.sent());
        assertEquals(List.of("guardians@2026-07-15T00:30:00Z", "call@2026-07-15T00:35:00Z",
                "call:no-answer@2026-07-15T00:35:00Z", "captain@2026-07-15T00:45:00Z"), ladder().steps());
        assertEquals(List.of(), calls(), "the captain's step calls no one again");

        org.shouhu.gateway.testing.ConsoleClient captain = new org.shouhu.gateway.testing.ConsoleClient(gw);
        captain.login(CAPTAIN);
        String page = captain.get("/console/sites/ZT0427").body();
        assertTrue(page.contains("📞 电话"), "the site's page marks the child whose grandfather is called: " + page);
        assertTrue(page.contains("📞 08:35 打电话") && page.contains("📞 08:35 未接"), page);
    }

    @Test
    void oneCallPerStepEvenWhenTwoNodesRunTheLoop() throws Exception {
        Map<String, String> env = new HashMap<>(GatewayUnderTest.UNPACED);
        env.put("SHOUHU_HTTP_PORT", "0");
        env.put("SHOUHU_PUBLIC_URL", PUBLIC_URL);
        env.put("REDIS_URL", TestRedis.url());
        env.put("SHOUHU_ADMIN_TOKEN", GatewayUnderTest.ADMIN_TOKEN);
        env.put("SHOUHU_OUTBOX_WORKERS", "0");
        env.put("SHOUHU_HTTP_WORKERS", "2");
        env.put("SHOUHU_NODE_ID", "test-2");
        env.put("SHOUHU_SWEEP_SECONDS", "0");
        env.put("TWILIO_ACCOUNT_SID", ACCOUNT);
        env.put("TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        env.put("TWILIO_FROM", OUR_NUMBER);
        env.put("TWILIO_API_URL", gw.twilioApi.baseUrl());
        try (Gateway other = Gateway.start(Config.fromEnv(env), gw.clock)) {
            gw.at("08:35");
            Thread a = new Thread(gw.gateway::runSafety);
            Thread b = new Thread(other::runSafety);
            a.start();
            b.start();
            a.join();
            b.join();
            gw.gateway.drainOutbox();
            other.drainOutbox();
            gw.at("08:38"); // both nodes again, once any claim has run out
            gw.gateway.runSafety();
            other.runSafety();
            gw.gateway.drainOutbox();
            other.drainOutbox();
        }
        assertEquals(1, calls().size(), "one call, whichever node claimed it");
        String id = Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, gw.childId(3));
        assertEquals(java.util.Optional.empty(), gw.gateway.safetyStore().callGuardians(id, GatewayUnderTest.at("2026-07-15",
                "08:39"), "call@2026-07-15T00:39:00Z", List.of(org.shouhu.routes.model.OutboundMessage.of(
                new org.shouhu.routes.model.Address("voice:" + ZHANG_GRANDPA), org.shouhu.templates.TemplateKey.VOICE_NO_SHOW,
                Map.of(), org.shouhu.routes.model.MessageClass.SAFETY))), "a node that composed the call late queues nothing");
        assertEquals(1, ladder().steps().stream().filter(s -> s.startsWith("call@")).count(), ladder().steps().toString());
    }

    @Test
    void aBadSignatureIs403AndABadBodyIs400() throws Exception {
        String messageId = theCall();
        Map<String, String> fields = Map.of("CallSid", "CA00000000000000000000000000000004", "Digits", "1");
        assertEquals(403, webhook("/twilio/voice/gather?m=" + messageId, fields, "bm90IGEgc2lnbmF0dXJl").statusCode());
        assertEquals(403, webhook("/twilio/voice/status?m=" + messageId, Map.of("CallSid", "CA1", "CallStatus", "busy"),
                "bm90IGEgc2lnbmF0dXJl").statusCode());
        assertEquals(400, raw("/twilio/voice/gather?m=" + messageId, "CallSid=%zz", "c2lnbmVk").statusCode(),
                "a form that does not parse");
        assertEquals(400, webhook("/twilio/voice/gather?m=" + messageId, Map.of("Digits", "1"), null).statusCode(),
                "no CallSid");
        assertEquals(400, webhook("/twilio/voice/status?m=" + messageId, Map.of("CallSid", "CA1", "CallStatus", "exploded"),
                null).statusCode(), "no such CallStatus");
        gw.gateway.drainOutbox();
        assertEquals(List.of(), gw.sent(), "nothing acted on");
        assertFalse(ladder().closed());
    }

    @Test
    void aVoiceSiteCallsEveryGuardianOfAnOverdueChildAndKeyThreeAsksForAnEscort() throws Exception {
        theCall();
        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427", "{\"voice\":true}").statusCode());
        gw.tick("17:00");
        gw.tick("17:35");
        gw.sent(); // the pick-up reminder and the drowning alert
        gw.tick("17:45");
        assertEquals(List.of(SIG + "王小明还在永丰小学托管点，已过17:30。回1马上来接 回3请护送"),
                GatewayUnderTest.to(gw.sent(), GatewayUnderTest.WANG_GRANDMA));
        assertEquals(List.of(), calls());
        gw.tick("17:50");
        List<Map<String, String>> calls = calls();
        assertEquals(List.of(GatewayUnderTest.WANG_FATHER, GatewayUnderTest.WANG_GRANDMA),
                calls.stream().map(c -> c.get("To")).sorted().toList(), "both of 王小明's guardians, at a voice site");
        Map<String, String> grandma = calls.stream().filter(c -> c.get("To").equals(GatewayUnderTest.WANG_GRANDMA))
                .findFirst().orElseThrow();
        assertTrue(grandma.get("Twiml").contains(">马上来接，请按1。请志愿者护送回家，请按3。</Say></Gather>"), grandma.get("Twiml"));
        for (Map<String, String> c : calls) { // each of the two hears the overdue alert, twice, then the overdue menu
            String id = c.get("StatusCallback").substring(c.get("StatusCallback").indexOf("?m=") + 3);
            assertEquals(VoiceTwiml.call("您好，这里是永丰小学托管点。王小明还在托管点，已经过了17:30的接孩子时间，还没有人来接。",
                    org.shouhu.templates.TemplateKey.VOICE_OVERDUE, PUBLIC_URL + "/twilio/voice/gather?m=" + id), c.get("Twiml"));
        }

        String messageId = grandma.get("StatusCallback").substring(grandma.get("StatusCallback").indexOf("?m=") + 3);
        Map<String, String> fields = new LinkedHashMap<>(Map.of("CallSid", "CA00000000000000000000000000000009",
                "AccountSid", ACCOUNT, "From", OUR_NUMBER, "To", GatewayUnderTest.WANG_GRANDMA, "Digits", "3"));
        HttpResponse<String> answer = webhook("/twilio/voice/gather?m=" + messageId, fields, null);
        gw.gateway.drainOutbox();
        assertEquals(VoiceTwiml.answer("收到，托管点会安排志愿者护送回家。谢谢您。再见。"), answer.body());
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已请托管点护送王小明回家，志愿者会联系你。"), GatewayUnderTest.to(sent, GatewayUnderTest.WANG_GRANDMA));
        assertEquals(1, GatewayUnderTest.to(sent, CAPTAIN).size(), sent.toString());
        Ladder overdue = gw.gateway.safetyStore().ladder(Ladder.id(LadderKind.OVERDUE, "ZT0427", DAY, gw.childId(1))).orElseThrow();
        assertTrue(overdue.closed());
        assertEquals("closed:escort@2026-07-15T09:50:00Z", overdue.steps().get(overdue.steps().size() - 1));
    }
}
