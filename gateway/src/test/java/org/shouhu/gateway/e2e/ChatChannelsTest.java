package org.shouhu.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.channel.wechat.WechatSignature;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.Address;

/**
 * Migrant parents in chat against a real gateway: a grandparent's invite code, binding on Telegram,
 * WeChat and WhatsApp, the day's notices in chat wording beside the grandparents' SMS, wrong codes,
 * unbinding, and the SMS fallback when a parent blocks the bot.
 */
class ChatChannelsTest {

    static final String SIG = "【守护托管】";
    static final String BOT_TOKEN = "123456789:AAtestTOKEN_abc-def";
    static final String TG_SECRET = "tg-secret-1";
    static final String WX_TOKEN = "wxtoken";
    static final String TG_CHAT = "777001";
    static final String OPENID = "oWxParent0000000000000000001";

    GatewayUnderTest gw;
    final ObjectMapper json = new ObjectMapper();
    int updates;
    int telegramSeen;
    int wechatSeen;

    @BeforeEach
    void start() throws Exception {
        gw = new GatewayUnderTest(Map.of(
                "TELEGRAM_BOT_TOKEN", BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET", TG_SECRET,
                "TELEGRAM_API_URL", GatewayUnderTest.STUB,
                "WECHAT_APP_ID", "wx0123456789abcdef", "WECHAT_APP_SECRET", "wxsecret", "WECHAT_TOKEN", WX_TOKEN,
                "WECHAT_API_URL", GatewayUnderTest.STUB)).withSite();
        telegramAnswers(200, "{\"ok\":true,\"result\":{\"message_id\":42,\"chat\":{\"id\":" + TG_CHAT + "}}}");
        gw.twilioApi.stubFor(post(urlPathEqualTo("/cgi-bin/stable_token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"access_token\":\"ACCESS\",\"expires_in\":7200}")));
        gw.twilioApi.stubFor(post(urlPathEqualTo("/cgi-bin/message/custom/send")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"errcode\":0,\"errmsg\":\"ok\"}")));
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private void telegramAnswers(int status, String body) {
        gw.twilioApi.stubFor(post(urlPathMatching("/bot.*/sendMessage")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private String inviteCode(String grandparent) throws Exception {
        gw.text(grandparent, "YQ");
        String sms = to(gw.sent(), grandparent).get(0);
        Matcher m = Pattern.compile("邀请码(\\d{8})").matcher(sms);
        assertTrue(m.find(), sms);
        return m.group(1);
    }

    private int telegram(String text) throws Exception {
        return telegram(TG_CHAT, text);
    }

    /** A message from the Telegram account {@code chat}. */
    private int telegram(String chat, String text) throws Exception {
        String update = "{\"update_id\":" + (100 + ++updates) + ",\"message\":{\"message_id\":" + updates
                + ",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Wang\"},\"chat\":{\"id\":" + chat
                + ",\"type\":\"private\"},\"date\":1784073600,\"text\":" + json.writeValueAsString(text) + "}}";
        int status = gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/telegram"))
                .header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(update)).build()).statusCode();
        gw.gateway.drainOutbox();
        return status;
    }

    /** The texts the Telegram bot sent since the last call. */
    private List<String> telegramSent() throws Exception {
        var all = gw.twilioApi.findAll(postRequestedFor(urlPathMatching("/bot.*/sendMessage")));
        List<String> texts = new java.util.ArrayList<>();
        for (var r : all.subList(telegramSeen, all.size())) {
            JsonNode body = json.readTree(r.getBodyAsString());
            assertEquals(TG_CHAT, body.get("chat_id").asText());
            texts.add(body.get("text").asText());
        }
        telegramSeen = all.size();
        return texts;
    }

    private int wechat(String content) throws Exception {
        long timestamp = gw.clock.instant().getEpochSecond();
        String nonce = "1514711492";
        String xml = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[" + OPENID
                + "]]></FromUserName><CreateTime>" + timestamp + "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[" + content + "]]></Content><MsgId>" + (2_000_000 + ++updates) + "</MsgId></xml>";
        String query = "signature=" + WechatSignature.sign(WX_TOKEN, String.valueOf(timestamp), nonce)
                + "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=" + OPENID;
        int status = gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/wechat?" + query))
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(xml)).build()).statusCode();
        gw.gateway.drainOutbox();
        return status;
    }

    private List<String> wechatSent() throws Exception {
        var all = gw.twilioApi.findAll(postRequestedFor(urlPathEqualTo("/cgi-bin/message/custom/send")));
        List<String> texts = new java.util.ArrayList<>();
        for (var r : all.subList(wechatSeen, all.size())) {
            JsonNode body = json.readTree(r.getBodyAsString());
            assertEquals(OPENID, body.get("touser").asText());
            texts.add(body.get("text").get("content").asText());
        }
        wechatSeen = all.size();
        return texts;
    }

    @Test
    void aParentBindsOnTelegramAndFollowsTheDayBesideTheGrandmother() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        assertEquals(200, telegram("/start " + code));
        assertEquals(List.of("已绑定王小明。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), telegramSent());
        assertEquals(List.of(SIG + "王小明的通知已绑定到一个Telegram账号。不是家人绑定的，请告诉托管点老师解除。"),
                to(gw.sent(), WANG_GRANDMA), "the grandmother hears that her code was used, and what to do if not by family");

        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        assertEquals(List.of(SIG + "王小明 08:05 已到永丰小学托管点。回4查询 回0帮助"), to(gw.sent(), WANG_GRANDMA));
        assertEquals(List.of("✅ 王小明今天 08:05 已安全到达永丰小学托管点。放学前我们会再告诉你接走的情况。回复4查询今天情况。"),
                telegramSent(), "the parent gets the chat wording, without the SMS signature");

        telegram("/status");
        assertEquals(List.of("王小明今天08:05已到永丰小学托管点，还没接走。"), telegramSent());

        telegram("/stop");
        assertEquals(List.of("已解绑，不再收到孩子的通知。要重新绑定，请向家人要新邀请码。"), telegramSent());
        gw.text(VOLUNTEER, "走 1 奶奶");
        gw.sent();
        assertEquals(List.of(), telegramSent(), "after /stop nothing more");
    }

    @Test
    void aParentBindsOnWechatAndGetsNoticesAsCustomerServiceMessages() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        assertEquals(200, wechat("绑定 " + code));
        assertEquals(List.of("已绑定王小明。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), wechatSent());
        assertEquals(List.of(SIG + "王小明的通知已绑定到一个微信账号。不是家人绑定的，请告诉托管点老师解除。"),
                to(gw.sent(), WANG_GRANDMA));
        gw.text(GatewayUnderTest.CAPTAIN, "通知 明天下雨，请8点前送到");
        assertEquals(List.of("📢 永丰小学托管点通知：明天下雨，请8点前送到"), wechatSent());
        assertEquals(List.of(SIG + "已开始发送5条，约1分钟内发完。回进度查看"), to(gw.sent(), GatewayUnderTest.CAPTAIN));
    }

    @Test
    void aCodeBindsTheChildsTwoParentsAndThenNoOneElse() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        telegram("/start " + code);
        assertEquals(List.of("已绑定王小明。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), telegramSent());
        wechat("绑定 " + code);
        assertEquals(List.of("已绑定王小明。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), wechatSent());
        telegram("/stop");
        telegramSent();
        telegram("/start " + code);
        assertEquals(List.of("邀请码不对或已过期，还能试4次。请向爷爷奶奶要新码（他们发短信YQ）。"), telegramSent(),
                "a code that bound two accounts is used up, even within its 24 hours");
    }

    @Test
    void wrongCodesAreCountedAndLockTheAccount() throws Exception {
        telegram("绑定 000000");
        assertEquals(List.of("邀请码不对或已过期，还能试4次。请向爷爷奶奶要新码（他们发短信YQ）。"), telegramSent());
        for (int i = 0; i < 4; i++) {
            telegram("绑定 00000" + i);
        }
        List<String> answers = telegramSent();
        assertEquals("试错太多次，请1小时后再试。", answers.get(answers.size() - 1));
        String code = inviteCode(LI_GRANDMA);
        telegram("/start " + code);
        assertEquals(List.of("试错太多次，请1小时后再试。"), telegramSent(), "even the right code waits out the lock");
        long ttl = gw.redis().ttl("sh:once:bind-lock:telegram:" + TG_CHAT);
        assertTrue(ttl > 3500 && ttl <= 3600, "locked for an hour (Redis TTL, real time): " + ttl);
        gw.redis().del("sh:once:bind-lock:telegram:" + TG_CHAT); // the hour has passed
        gw.clock.advance(java.time.Duration.ofHours(1));
        telegram("/start " + code);
        assertEquals(List.of("已绑定李小红。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), telegramSent());
    }

    @Test
    void manyAccountsGuessingCodesPauseBindingForEveryoneForAnHour() throws Exception {
        assertEquals(200, gw.admin("PUT", "/api/counties/昭阳区/coordinator",
                "{\"phone\":\"" + GatewayUnderTest.COORDINATOR + "\",\"name\":\"刘主任\"}").statusCode());
        gw.sent();
        for (int account = 0; account < 20; account++) { // 20 accounts, 5 wrong codes each: none is locked before its fifth
            for (int guess = 0; guess < 5; guess++) {
                assertEquals(200, telegram(String.valueOf(7_000_000 + account), "绑定 " + String.format("%06d", account * 5 + guess)));
            }
        }
        gw.gateway.drainOutbox();
        assertEquals(List.of(SIG + "全市绑定已暂停1小时：1小时内错误的邀请码太多，可能有人在猜孩子的绑定码。家长问起请说明，1小时后可再绑。"),
                to(gw.sent(), GatewayUnderTest.COORDINATOR), "the county coordinator hears of it once");
        assertEquals(200, telegram("7000099", "绑定 99999999"));
        gw.gateway.drainOutbox();
        assertEquals(List.of(), to(gw.sent(), GatewayUnderTest.COORDINATOR), "not again at a wrong code during the pause");
        String code = inviteCode(LI_GRANDMA);
        telegramSeen = gw.twilioApi.findAll(postRequestedFor(urlPathMatching("/bot.*/sendMessage"))).size();
        telegram("/start " + code);
        assertEquals(List.of("为保护孩子的信息，绑定暂停1小时：最近试错邀请码的人太多。请1小时后再发。"), telegramSent(),
                "a parent with the right code waits too, and the code is not used up");

        gw.redis().del("sh:once:bind-paused"); // the hour has passed (Redis TTL, real time)
        gw.clock.advance(java.time.Duration.ofHours(1));
        telegram("/start " + code);
        assertEquals(List.of("已绑定李小红。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), telegramSent());
    }

    @Test
    void aParentWhoBlocksTheBotGetsNoticesBySmsToThePhoneTheyGave() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        telegram("绑定 " + code + " 13987654321");
        telegramSent();
        telegramAnswers(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}");
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        gw.gateway.drainOutbox();
        assertEquals(List.of(SIG + "王小明 08:05 已到永丰小学托管点。回4查询 回0帮助"), to(gw.sent(), "+8613987654321"),
                "the arrival falls back to SMS");
        assertTrue(gw.gateway.care().isUnreachable(new Address("telegram:" + TG_CHAT)));
        gw.text(VOLUNTEER, "走 1");
        assertEquals(1, to(gw.sent(), "+8613987654321").size(), "later notices go straight to SMS");
        assertEquals(1, telegramSent().size(), "the bot was tried once, then no more");
    }

    @Test
    void staffCanMakeAnInviteCodeByApiAndBySms() throws Exception {
        var api = gw.admin("POST", "/api/sites/ZT0427/children/" + gw.childId(2) + "/invite", null);
        assertEquals(201, api.statusCode(), api.body());
        wechat("绑定 " + json.readTree(api.body()).get("code").asText());
        assertEquals(List.of("已绑定李小红。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"), wechatSent());
        assertEquals(404, gw.admin("POST", "/api/sites/ZT0427/children/c99/invite", null).statusCode());

        gw.text(GatewayUnderTest.CAPTAIN, "邀请 3");
        String sms = to(gw.sent(), GatewayUnderTest.CAPTAIN).get(0);
        assertTrue(sms.matches("【守护托管】邀请码\\d{8}，24小时内有效，可绑定2人（张小刚）。.*"), sms);
    }

    @Test
    void staffCanRemoveAGuardian() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        telegram("/start " + code);
        telegramSent();
        assertEquals(404, gw.admin("DELETE", "/api/sites/ZT0427/children/" + gw.childId(1) + "/guardians/telegram%3A999", null).statusCode());
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/children/" + gw.childId(1) + "/guardians/telegram%3A" + TG_CHAT, null).statusCode());
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        assertEquals(List.of(), telegramSent());
        assertEquals(2, gw.sent().stream().filter(s -> s.body().contains("已到")).count(), "the grandmother and father still get it");
    }

    @Test
    void whatsappRidesTheTwilioChannel() throws Exception {
        String code = inviteCode(WANG_GRANDMA);
        gw.text("whatsapp:+8613911112222", "绑定 " + code);
        var sent = gw.sent();
        assertEquals(List.of("已绑定王小明。到达、接走、提醒和安全通知都会发到这里。回4查询 回0帮助"),
                to(sent, "whatsapp:+8613911112222"));
        var request = gw.twilioApi.findAll(postRequestedFor(urlPathMatching(GatewayUnderTest.MESSAGES_PATH))).stream()
                .filter(r -> r.getBodyAsString().contains("To=whatsapp%3A%2B8613911112222")).findFirst() // the SMS to the
                .orElseThrow(); // other guardians go on their own lane, before or after it
        assertTrue(request.getBodyAsString().contains("From=whatsapp%3A%2B8610690001"), request.getBodyAsString());
    }

    @Test
    void anUnboundChatAccountIsToldHowToBindOnceADay() throws Exception {
        telegram("你好");
        assertEquals(List.of("你好，这里是守护托管。请向孩子的爷爷奶奶要8位邀请码（他们发短信YQ就能拿到），然后发：绑定 12345678"),
                telegramSent());
        telegram("4");
        assertEquals(List.of(), telegramSent());
        gw.text(WANG_GRANDMA, "绑定 123456");
        assertEquals(List.of(SIG + "绑定是给孩子爸妈在微信或Telegram里用的。要邀请码请发：YQ"), to(gw.sent(), WANG_GRANDMA));
    }
}
