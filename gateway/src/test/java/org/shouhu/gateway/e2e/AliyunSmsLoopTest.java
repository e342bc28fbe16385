package org.shouhu.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.MESSAGES_PATH;
import static org.shouhu.gateway.testing.GatewayUnderTest.STUB;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.templates.TemplateKey;

/**
 * A node with Aliyun SMS configured, end to end: Aliyun's API stubbed (WireMock, behind the real SDK) beside
 * Twilio's, replies pushed to {@code /aliyun/sms-up/{token}} as Aliyun posts them, the safety loop driven by the
 * test's clock. Every guardian of the test site is on a mainland mobile, so everything goes through Aliyun. A
 * Telegram bot is configured too (its API stubbed alike), for a grandmother who bound her own Telegram account:
 * what Aliyun holds back at her number by flow control goes there instead.
 */
class AliyunSmsLoopTest {

    static final String TOKEN = "push-token-0123456789abcdef";
    static final String TAKEN = "{\"code\":0,\"msg\":\"接收成功\"}";
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BOT_TOKEN = "123456789:AAtestTOKEN_abc-def";
    static final String TG_SECRET = "tg-secret-1";
    static final String TG_CHAT = "777002";

    /** One SendSms call as Aliyun's API received it. */
    record Sent(String phone, TemplateKey kind, Map<String, String> values) {
    }

    GatewayUnderTest gw;
    int seen;
    int telegramSeen;
    int updates;

    static String code(TemplateKey key) {
        return "SMS_" + (100000 + key.ordinal());
    }

    @BeforeEach
    void site() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("ALIYUN_ACCESS_KEY_ID", "LTAI5tTestKeyId");
        env.put("ALIYUN_ACCESS_KEY_SECRET", "test-secret");
        env.put("ALIYUN_SMS_SIGN_NAME", "守护托管");
        env.put("ALIYUN_SMS_TEMPLATES", Stream.of(TemplateKey.values()).map(k -> k.fileName() + "=" + code(k))
                .collect(Collectors.joining(",")));
        env.put("ALIYUN_SMS_ENDPOINT", STUB);
        env.put("ALIYUN_PUSH_TOKEN", TOKEN);
        env.put("TELEGRAM_BOT_TOKEN", BOT_TOKEN);
        env.put("TELEGRAM_WEBHOOK_SECRET", TG_SECRET);
        env.put("TELEGRAM_API_URL", STUB);
        gw = new GatewayUnderTest(env);
        aliyunAccepts();
        gw.twilioApi.stubFor(post(urlPathMatching("/bot.*/sendMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"result\":{\"message_id\":42,\"chat\":{\"id\":" + TG_CHAT + "}}}")));
        gw.withSite();
        gw.at("07:30");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    void aliyunAccepts() {
        gw.twilioApi.stubFor(post(urlPathEqualTo("/")).withHeader("x-acs-action", equalTo("SendSms"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"{{randomValue length=12 type='NUMERIC'}}^0\","
                                + "\"RequestId\":\"r\"}").withTransformers("response-template")));
    }

    /** What Aliyun's API received since the last call, in order; the signature is checked on each. */
    List<Sent> aliyun() throws Exception {
        List<LoggedRequest> all = gw.twilioApi.findAll(postRequestedFor(urlPathEqualTo("/")).withHeader("x-acs-action", equalTo("SendSms")));
        List<Sent> fresh = new ArrayList<>();
        for (LoggedRequest r : all.subList(seen, all.size())) {
            assertEquals("守护托管", r.queryParameter("SignName").firstValue());
            String code = r.queryParameter("TemplateCode").firstValue();
            TemplateKey kind = Stream.of(TemplateKey.values()).filter(k -> code(k).equals(code)).findFirst().orElseThrow();
            @SuppressWarnings("unchecked")
            Map<String, String> values = r.queryParameter("TemplateParam").isPresent()
                    ? JSON.readValue(r.queryParameter("TemplateParam").firstValue(), Map.class) : Map.of();
            fresh.add(new Sent("+86" + r.queryParameter("PhoneNumbers").firstValue(), kind, values));
        }
        seen = all.size();
        return fresh;
    }

    static List<Sent> to(List<Sent> sent, String phone) {
        return sent.stream().filter(s -> s.phone().equals(phone)).toList();
    }

    HttpResponse<String> push(String path, String json) throws Exception {
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path + TOKEN))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Aliyun pushes one reply; the outbox is then drained. */
    HttpResponse<String> reply(String phone, String content, long sequenceId) throws Exception {
        HttpResponse<String> answer = push("/aliyun/sms-up/", "[{\"phone_number\":\"" + phone.substring(3) + "\",\"content\":\""
                + content + "\",\"send_time\":\"2026-07-15 08:35:00\",\"dest_code\":\"1234\",\"sequence_id\":" + sequenceId + "}]");
        gw.gateway.drainOutbox();
        return answer;
    }

    /** 李小红's grandmother binds her own Telegram account, giving her phone ({@code 绑定 12345678 13912340002}). */
    void grandmotherBindsHerTelegram() throws Exception {
        HttpResponse<String> invite = gw.admin("POST", "/api/sites/ZT0427/children/" + gw.childId(2) + "/invite", null);
        assertEquals(201, invite.statusCode(), invite.body());
        telegram("绑定 " + JSON.readTree(invite.body()).get("code").asText() + " " + LI_GRANDMA.substring(3));
        assertEquals(List.of("已绑定李小红。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), telegramSent());
        aliyun(); // the notice of the bind, to her phone
    }

    /** A message from her Telegram account; the outbox is then drained. */
    void telegram(String text) throws Exception {
        String update = "{\"update_id\":" + (100 + ++updates) + ",\"message\":{\"message_id\":" + updates
                + ",\"from\":{\"id\":" + TG_CHAT + ",\"is_bot\":false,\"first_name\":\"Li\"},\"chat\":{\"id\":" + TG_CHAT
                + ",\"type\":\"private\"},\"date\":1784073600,\"text\":" + JSON.writeValueAsString(text) + "}}";
        assertEquals(200, gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/telegram"))
                .header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(update)).build()).statusCode());
        gw.gateway.drainOutbox();
    }

    /** The texts the Telegram bot sent since the last call (all to her account). */
    List<String> telegramSent() throws Exception {
        List<LoggedRequest> all = gw.twilioApi.findAll(postRequestedFor(urlPathMatching("/bot.*/sendMessage")));
        List<String> texts = new ArrayList<>();
        for (LoggedRequest r : all.subList(telegramSeen, all.size())) {
            assertEquals(TG_CHAT, JSON.readTree(r.getBodyAsString()).get("chat_id").asText());
            texts.add(JSON.readTree(r.getBodyAsString()).get("text").asText());
        }
        telegramSeen = all.size();
        return texts;
    }

    /** From now on Aliyun holds back every SMS to her number: the number's hourly flow control. */
    void aliyunLimitsHerNumber() {
        gw.twilioApi.stubFor(post(urlPathEqualTo("/")).atPriority(1).withQueryParam("PhoneNumbers", equalTo("13912340002"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\",\"Message\":\"触发小时级流控Permits:5\",\"RequestId\":\"r\"}")));
    }

    ChildState liXiaohong() {
        return gw.gateway.care().dayRecord("ZT0427", DAY, gw.childId(2)).map(r -> r.state()).orElse(ChildState.EXPECTED);
    }

    Ladder ladderOf(int rosterNo) {
        return gw.gateway.safetyStore().ladder(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, gw.childId(rosterNo))).orElseThrow();
    }

    @Test
    void aGrandmotherAnswersANoShowAlertWith2ThroughAnSmsUpPush() throws Exception {
        gw.tick("08:30");
        List<Sent> alerts = aliyun();
        assertEquals(List.of(new Sent(LI_GRANDMA, TemplateKey.NO_SHOW_ALERT, Map.of("child", "李小红"))), to(alerts, LI_GRANDMA),
                "the values of the template's variables only");
        assertEquals(4, alerts.size(), "every guardian of the three children, all through Aliyun");
        assertEquals(0, gw.twilioApi.findAll(postRequestedFor(urlPathMatching(MESSAGES_PATH))).size(), "nothing through Twilio");

        gw.at("08:35");
        HttpResponse<String> answer = reply(LI_GRANDMA, "2", 1234567890L);

        assertEquals(200, answer.statusCode());
        assertEquals(TAKEN, answer.body());
        assertEquals(ChildState.ABSENT, liXiaohong(), "absence recorded");
        List<Sent> after = aliyun();
        assertEquals(List.of(new Sent(LI_GRANDMA, TemplateKey.ABSENCE_RECORDED, Map.of("child", "李小红"))), after,
                "her reply, through Aliyun with its template (the captain, not yet told of her, hears nothing)");
        assertTrue(ladderOf(2).closed(), "her answer closed the ladder");

        HttpResponse<String> again = reply(LI_GRANDMA, "2", 1234567890L);
        assertEquals(200, again.statusCode(), "a repeated push is answered as taken");
        assertEquals(TAKEN, again.body());
        assertEquals(List.of(), aliyun(), "and acted on once");

        gw.tick("08:45");
        List<Sent> toCaptain = to(aliyun(), CAPTAIN);
        assertEquals(List.of("张小刚", "王小明"), toCaptain.stream().map(s -> s.values().get("child")).sorted().toList(),
                "the captain is asked to call about the other two, not about her");
        assertTrue(toCaptain.stream().allMatch(s -> s.kind() == TemplateKey.NO_SHOW_TO_CAPTAIN));
    }

    @Test
    void aDeliveryReportMovesTheMessageForwardByOurId() throws Exception {
        gw.tick("08:30");
        StoredMessage alert = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(TemplateKey.NO_SHOW_ALERT, alert.template());
        assertTrue(alert.providerId().endsWith("^0"), "Aliyun's BizId is the provider id: " + alert.providerId());

        String report = "[{\"phone_number\":\"13912340002\",\"send_time\":\"2026-07-15 08:30:00\",\"report_time\":\"2026-07-15 08:30:04\","
                + "\"success\":true,\"err_code\":\"DELIVERED\",\"err_msg\":\"用户接收成功\",\"sms_size\":\"1\",\"biz_id\":\""
                + alert.providerId() + "\",\"out_id\":\"" + alert.id() + "\"}]";
        HttpResponse<String> answer = push("/aliyun/sms-report/", report);

        assertEquals(200, answer.statusCode());
        assertEquals(TAKEN, answer.body());
        assertEquals(DeliveryStatus.DELIVERED, gw.gateway.messages().load(alert.id()).orElseThrow().status());

        String late = report.replace("\"success\":true", "\"success\":false").replace("DELIVERED", "MK:0001");
        assertEquals(200, push("/aliyun/sms-report/", late).statusCode());
        assertEquals(DeliveryStatus.DELIVERED, gw.gateway.messages().load(alert.id()).orElseThrow().status(),
                "a status never moves back");
    }

    @Test
    void perNumberFlowControlWaitsAndTheAlertGoesOutWhenAliyunTakesIt() throws Exception {
        gw.twilioApi.stubFor(post(urlPathEqualTo("/")).atPriority(1).withQueryParam("PhoneNumbers", equalTo("13912340002"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"isv.BUSINESS_LIMIT_CONTROL\",\"Message\":\"触发小时级流控Permits:5\",\"RequestId\":\"r\"}")));
        gw.tick("08:30");
        aliyun();
        StoredMessage held = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(DeliveryStatus.PENDING, held.status(), "waiting, not failed");
        assertEquals("isv.BUSINESS_LIMIT_CONTROL", held.errorCode());
        assertEquals(1, held.attempts());

        gw.twilioApi.resetMappings(); // her number's limit has passed
        aliyunAccepts();
        gw.clock.advance(Duration.ofSeconds(119));
        gw.gateway.drainOutbox();
        assertEquals(List.of(), aliyun(), "not before the wait");
        gw.clock.advance(Duration.ofSeconds(1));
        gw.gateway.drainOutbox();

        assertEquals(List.of(new Sent(LI_GRANDMA, TemplateKey.NO_SHOW_ALERT, Map.of("child", "李小红"))), aliyun());
        assertEquals(DeliveryStatus.QUEUED, gw.gateway.messages().load(held.id()).orElseThrow().status());
    }

    @Test
    void aSafetyAlertAliyunRefusesForGoodIsToldToTheCaptainNotDroppedSilently() throws Exception {
        gw.twilioApi.stubFor(post(urlPathEqualTo("/")).atPriority(1).withQueryParam("PhoneNumbers", equalTo("13912340002"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"非法手机号\",\"RequestId\":\"r\"}")));

        gw.tick("08:30");

        StoredMessage alert = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(DeliveryStatus.FAILED, alert.status());
        assertEquals("isv.MOBILE_NUMBER_ILLEGAL", alert.errorCode());
        List<Sent> toCaptain = to(aliyun(), CAPTAIN);
        assertEquals(List.of(TemplateKey.UNDELIVERED_TO_CAPTAIN), toCaptain.stream().map(Sent::kind).toList());
        assertEquals("李小红", toCaptain.get(0).values().get("child"));
    }

    @Test
    void aPushWithAWrongTokenIs404AndActsOnNothing() throws Exception {
        gw.tick("08:30");
        aliyun();
        HttpResponse<String> answer = gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/aliyun/sms-up/not-the-token-0123456789"))
                .POST(HttpRequest.BodyPublishers.ofString("[{\"phone_number\":\"13912340002\",\"content\":\"2\",\"sequence_id\":1}]")).build());
        gw.gateway.drainOutbox();
        assertEquals(404, answer.statusCode());
        assertEquals(ChildState.EXPECTED, liXiaohong());
        assertEquals(List.of(), aliyun());
    }

    @Test
    void flowControlSendsHerNoShowAlertToHerChatAtOnceAndTheSmsIsNotTriedAgain() throws Exception {
        grandmotherBindsHerTelegram();
        aliyunLimitsHerNumber();

        gw.tick("08:30");

        assertEquals(List.of("⚠️ 李小红今天还没有到永丰小学托管点，也没有人请假。回复1：在路上；回复2：今天不来。没有回复时托管点会打电话联系家里。"),
                telegramSent(), "her alert is in her chat at once, exactly once");
        assertEquals(1, to(aliyun(), LI_GRANDMA).size(), "the SMS was tried once");
        StoredMessage sms = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(TemplateKey.NO_SHOW_ALERT, sms.template());
        assertEquals(DeliveryStatus.SUPPRESSED, sms.status(), "settled: it went by chat");
        assertEquals("isv.BUSINESS_LIMIT_CONTROL:in-chat", sms.errorCode(), "why, and how it went");
        HttpResponse<String> api = gw.admin("GET", "/api/messages?to=%2B8613912340002", null);
        assertTrue(api.body().contains("\"status\":\"suppressed\",\"error\":\"isv.BUSINESS_LIMIT_CONTROL:in-chat\""), api.body());

        gw.twilioApi.resetMappings(); // her number's limit has passed
        aliyunAccepts();
        gw.clock.advance(Duration.ofMinutes(11));
        gw.gateway.drainOutbox();
        assertEquals(List.of(), to(aliyun(), LI_GRANDMA), "the SMS is not tried again");
        assertEquals(List.of(), telegramSent(), "nor is her chat sent it twice");
    }

    @Test
    void flowControlSendsHerReplyToHerChatOnceHoweverOftenItComesBack() throws Exception {
        grandmotherBindsHerTelegram();
        gw.tick("08:30");
        telegramSent();
        aliyun();
        aliyunLimitsHerNumber();

        gw.at("08:35");
        reply(LI_GRANDMA, "2", 1234567891L);
        gw.gateway.drainOutbox();

        assertEquals(ChildState.ABSENT, liXiaohong());
        assertEquals(List.of(TemplateKey.ABSENCE_RECORDED), to(aliyun(), LI_GRANDMA).stream().map(Sent::kind).toList(),
                "Aliyun was asked once, and held it back");
        assertEquals(List.of("已记下李小红今天请假，托管点已知道。回4查询"), telegramSent(),
                "the answer to her SMS, held back at her number, is copied to her chat");
        StoredMessage sms = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(TemplateKey.ABSENCE_RECORDED, sms.template());
        assertEquals(DeliveryStatus.SUPPRESSED, sms.status());
        assertEquals("isv.BUSINESS_LIMIT_CONTROL:chat-fallback", sms.errorCode());

        assertEquals(false, gw.gateway.messages().enqueueOnce("fallback:" + sms.id(),
                        List.of(sms.request().withTo(new Address("telegram:" + TG_CHAT)))),
                "the copy is queued under the message's id: a redelivery of the SMS queues no second one");
        gw.clock.advance(Duration.ofMinutes(11));
        gw.gateway.drainOutbox();
        assertEquals(List.of(), telegramSent());
        assertEquals(List.of(), to(aliyun(), LI_GRANDMA), "the SMS is not tried again");
    }

    @Test
    void withoutAChatAccountASafetyAlertHeldBackUntilTooOldIsToldToTheCaptain() throws Exception {
        aliyunLimitsHerNumber();
        gw.tick("08:30");
        StoredMessage alert = gw.gateway.messages().sentTo(new Address(LI_GRANDMA), 1).get(0);
        assertEquals(DeliveryStatus.PENDING, alert.status(), "no chat account: it waits");
        aliyun();

        gw.clock.advance(Duration.ofHours(48)); // Aliyun kept refusing her number until the alert is too old
        gw.gateway.drainOutbox();

        List<Sent> sent = aliyun();
        assertEquals(1, to(sent, LI_GRANDMA).size(), "tried once more");
        alert = gw.gateway.messages().load(alert.id()).orElseThrow();
        assertEquals(DeliveryStatus.FAILED, alert.status(), "given up");
        assertEquals("isv.BUSINESS_LIMIT_CONTROL", alert.errorCode());
        List<Sent> toCaptain = to(sent, CAPTAIN);
        assertEquals(List.of(TemplateKey.UNDELIVERED_TO_CAPTAIN), toCaptain.stream().map(Sent::kind).toList(),
                "never silent: her site's captain is told");
        assertEquals("李小红", toCaptain.get(0).values().get("child"));
    }
}
