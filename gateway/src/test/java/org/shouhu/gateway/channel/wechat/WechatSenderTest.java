package org.shouhu.gateway.channel.wechat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.LoggerFactory;

/** The sender against a stubbed WeChat API: what is sent, and how each errcode is read. */
class WechatSenderTest {

    @RegisterExtension
    static final WireMockExtension WECHAT = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String TOKEN_PATH = "/cgi-bin/stable_token";
    private static final String CUSTOM = "/cgi-bin/message/custom/send";
    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final String ACCESS_TOKEN = "ACCESS_TOKEN";
    private static final String NEW_TOKEN = "ACCESS_TOKEN_2";
    private static final String TEXT = "【守护】小明已于 08:00 到达营地，家长请放心。";
    private static final Address PARENT = new Address("wechat:" + Fixtures.OPENID);
    private static final String CS_JSON = "{\"touser\":\"" + Fixtures.OPENID + "\",\"msgtype\":\"text\","
            + "\"text\":{\"content\":\"" + TEXT + "\"}}";
    private static final String TEMPLATE_JSON = "{\"touser\":\"" + Fixtures.OPENID + "\",\"template_id\":\""
            + Fixtures.TEMPLATE_ID + "\",\"data\":{\"content\":{\"value\":\"" + TEXT + "\"}}}";

    @Test
    void sendsACustomerServiceMessageWithTheTokenInTheQueryAndChineseIntact() throws Exception {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-ok.json"));

        SendReceipt receipt = sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-1");

        assertEquals(new SendReceipt("cs:msg-1", DeliveryStatus.SENT), receipt);
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH))
                .withRequestBody(equalToJson("{\"grant_type\":\"client_credential\",\"appid\":\"" + Fixtures.APP_ID
                        + "\",\"secret\":\"" + Fixtures.APP_SECRET + "\",\"force_refresh\":false}")));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM))
                .withQueryParam("access_token", equalTo(ACCESS_TOKEN))
                .withHeader("Content-Type", equalToIgnoreCase("application/json; charset=utf-8"))
                .withRequestBody(equalToJson(CS_JSON)));
        String raw = new String(only(CUSTOM).getBody(), StandardCharsets.UTF_8);
        assertTrue(raw.contains(TEXT), "Chinese sent as UTF-8, not escaped: " + raw);
        WECHAT.verify(0, postRequestedFor(urlPathEqualTo(TEMPLATE)));
    }

    @Test
    void theTokenIsFetchedOnceForManySends() throws Exception {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-ok.json"));
        WechatSender sender = sender(null);

        for (int i = 0; i < 5; i++) {
            assertEquals("cs:msg-" + i, sender.send(PARENT, TEXT, "msg-" + i).providerId());
        }

        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        WECHAT.verify(5, postRequestedFor(urlPathEqualTo(CUSTOM)));
    }

    @Test
    void aRejectedTokenIsFetchedAgainAndTheMessageSentOnceMore() throws Exception {
        stubTokensInTurn();
        stubCustom(ACCESS_TOKEN, json("cs-40001.json"));
        stubCustom(NEW_TOKEN, json("cs-ok.json"));

        SendReceipt receipt = sender(null).send(PARENT, TEXT, "msg-2");

        assertEquals(new SendReceipt("cs:msg-2", DeliveryStatus.SENT), receipt);
        WECHAT.verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM)).withQueryParam("access_token", equalTo(ACCESS_TOKEN)));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM)).withQueryParam("access_token", equalTo(NEW_TOKEN))
                .withRequestBody(equalToJson(CS_JSON)));
    }

    @Test
    void aTokenRejectedTwiceIsRetriedOnlyOnceThenLeftToTheOutbox() {
        stubTokensInTurn();
        stubCustom(ACCESS_TOKEN, json("cs-42001.json"));
        stubCustom(NEW_TOKEN, json("cs-40001.json"));

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender(null).send(PARENT, TEXT, "msg-3"));

        assertEquals("40001", failure.code());
        assertTrue(failure.isTransient());
        WECHAT.verify(2, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
        WECHAT.verify(2, postRequestedFor(urlPathEqualTo(CUSTOM)));
    }

    @Test
    void outsideThe48HourWindowTheTemplateMessageGoes() throws Exception {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-45015.json"));
        WECHAT.stubFor(post(urlPathEqualTo(TEMPLATE)).withQueryParam("access_token", equalTo(ACCESS_TOKEN))
                .willReturn(json("template-ok.json")));

        SendReceipt receipt = sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-4");

        assertEquals(new SendReceipt("tpl:200228332", DeliveryStatus.SENT), receipt);
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM)));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(TEMPLATE)).withRequestBody(equalToJson(TEMPLATE_JSON)));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(TOKEN_PATH)));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} → template {1}")
    @org.junit.jupiter.params.provider.CsvSource({"ARRIVAL, tmplArrival", "NO_SHOW_ALERT, tmplAlert", "NOTICE, tmplOther"})
    void theTemplateIsChosenByNoticeKind(org.shouhu.templates.TemplateKey notice, String expected) throws Exception {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-45015.json"));
        WECHAT.stubFor(post(urlPathEqualTo(TEMPLATE)).willReturn(json("template-ok.json")));

        sender("ARRIVAL=tmplArrival, NO_SHOW_ALERT=tmplAlert, *=tmplOther").send(new org.shouhu.routes.model.RenderedMessage(
                new org.shouhu.routes.model.StoredMessage("msg-k", PARENT, notice, java.util.Map.of(),
                        org.shouhu.routes.model.MessageClass.ROUTINE, org.shouhu.routes.model.DeliveryStatus.PENDING, null,
                        null, null, 0, java.time.Instant.EPOCH, java.time.Instant.EPOCH), TEXT, 1));

        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(TEMPLATE))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.template_id",
                        equalTo(expected))));
    }

    @Test
    void tooManyUnansweredCustomerServiceMessagesAlsoFallBackToTheTemplate() throws Exception {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-45047.json"));
        WECHAT.stubFor(post(urlPathEqualTo(TEMPLATE)).willReturn(json("template-ok.json")));

        assertEquals("tpl:200228332", sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-5").providerId());
    }

    @Test
    void outsideTheWindowWithoutATemplateTheMessageFailsForGood() {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-45015.json"));

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender(null).send(PARENT, TEXT, "msg-6"));

        assertAll(
                () -> assertEquals("45015", failure.code()),
                () -> assertFalse(failure.isTransient()),
                () -> assertFalse(failure.recipientUnreachable()));
        WECHAT.verify(0, postRequestedFor(urlPathEqualTo(TEMPLATE)));
    }

    @Test
    void aFollowerWhoRefusedTemplateMessagesIsUnreachable() {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-45015.json"));
        WECHAT.stubFor(post(urlPathEqualTo(TEMPLATE)).willReturn(json("tpl-43101.json")));

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-7"));

        assertEquals("43101", failure.code());
        assertTrue(failure.recipientUnreachable());
    }

    /**
     * One refusal of the customer-service message and how the outbox must read it.
     *
     * @param fixture the JSON WeChat answers with, or null for an empty body
     */
    record Refusal(String name, int httpStatus, String fixture, String code, boolean isTransient, boolean unreachable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("43004 not following", 200, "cs-43004.json", "43004", false, true),
                new Refusal("43019 blacklisted", 200, "cs-43019.json", "43019", false, true),
                new Refusal("43101 refused messages", 200, "tpl-43101.json", "43101", false, true),
                new Refusal("40003 invalid openid", 200, "cs-40003.json", "40003", false, true),
                new Refusal("-1 system busy", 200, "cs-minus-1.json", "-1", true, false),
                new Refusal("45009 API quota", 200, "cs-45009.json", "45009", true, false),
                new Refusal("45002 content too long", 200, "cs-45002.json", "45002", false, false),
                new Refusal("HTTP 503", 503, null, "http-503", true, false),
                new Refusal("HTTP 502 with an HTML page", 502, "not-json", "http-502", true, false),
                new Refusal("HTTP 429", 429, null, "http-429", true, false),
                new Refusal("HTTP 404", 404, null, "http-404", false, false),
                new Refusal("200 that is not JSON: may have been taken, so not sent again", 200, "not-json",
                        "unreadable", false, false),
                new Refusal("200 JSON without errcode", 200, "token-ok.json", "unreadable", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void readsWechatsRefusalOnce(Refusal r) {
        stubToken(json("token-ok.json"));
        ResponseDefinitionBuilder answer = aResponse().withStatus(r.httpStatus());
        if ("not-json".equals(r.fixture())) {
            answer.withHeader("Content-Type", "text/html").withBody("<html><body>502 Bad Gateway</body></html>");
        } else if (r.fixture() != null) {
            answer.withHeader("Content-Type", "application/json; encoding=utf-8").withBody(Fixtures.text(r.fixture()));
        }
        stubCustom(ACCESS_TOKEN, answer);

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-8"));

        assertAll(r.name(),
                () -> assertEquals(r.code(), failure.code(), "code"),
                () -> assertEquals(r.isTransient(), failure.isTransient(), "transient"),
                () -> assertEquals(r.unreachable(), failure.recipientUnreachable(), "unreachable"),
                () -> assertFalse(failure.getMessage().contains(Fixtures.OPENID), "reason shows the openid"));
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM)));
        WECHAT.verify(0, postRequestedFor(urlPathEqualTo(TEMPLATE)));
    }

    @Test
    void noTokenIsATransientFailureAndNothingIsSent() {
        stubToken(json("token-error-40013.json"));

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender(null).send(PARENT, TEXT, "msg-9"));

        assertEquals("token-40013", failure.code());
        assertTrue(failure.isTransient());
        WECHAT.verify(0, postRequestedFor(urlPathEqualTo(CUSTOM)));
    }

    @Test
    void aWechatThatTricklesItsAnswerIsCutAtTheCallDeadline() {
        stubToken(json("token-ok.json"));
        // headers at once, then the body a chunk a second: the request timeout stopped at the headers
        stubCustom(ACCESS_TOKEN, json("cs-ok.json").withChunkedDribbleDelay(6, 6000));
        WechatApi api = new WechatApi(WECHAT.baseUrl(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(1500));
        var settings = Fixtures.apiSettings(WECHAT.baseUrl(), null);
        WechatSender sender = new WechatSender(settings, api, new WechatAccessToken(settings, api, Fixtures.CLOCK));

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender.send(PARENT, TEXT, "msg-11"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(3000)) < 0, "cut after " + waited);
    }

    @Test
    void aWechatThatDoesNotAnswerInTimeIsATransientTimeout() {
        stubToken(json("token-ok.json"));
        stubCustom(ACCESS_TOKEN, json("cs-ok.json").withFixedDelay(3000));
        WechatSender sender = new WechatSender(Fixtures.apiSettings(WECHAT.baseUrl(), null), Duration.ofSeconds(1),
                Duration.ofMillis(300), Fixtures.CLOCK);

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender.send(PARENT, TEXT, "msg-10"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(2500)) < 0, "gave up after " + waited);
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(CUSTOM)));
    }

    @Test
    void aClosedPortIsATransientConnectionFailure() throws Exception {
        String closed = "http://127.0.0.1:" + closedPort();

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> new WechatSender(Fixtures.apiSettings(closed, null), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Fixtures.CLOCK).send(PARENT, TEXT, "msg-11"));

        assertEquals("connection", failure.code());
        assertTrue(failure.isTransient());
    }

    @Test
    void anAddressOfAnotherChannelIsRefusedWithoutCallingWechat() {
        WechatSender sender = sender(null);

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender.send(new Address("+8613912345678"), TEXT, "msg-12"));

        assertEquals("wechat", sender.channel());
        assertEquals("wrong-channel", failure.code());
        assertFalse(failure.isTransient());
        WECHAT.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void logsShowNeitherTheOpenidNorTheTextNorTheTokenNorTheSecret() throws Exception {
        ListAppender<ILoggingEvent> logs = captureLogs(WechatSender.class, WechatAccessToken.class);
        stubTokensInTurn();
        stubCustom(ACCESS_TOKEN, json("cs-40001.json"));
        stubCustom(NEW_TOKEN, json("cs-45015.json"));
        WECHAT.stubFor(post(urlPathEqualTo(TEMPLATE)).willReturn(json("tpl-43101.json")));

        assertThrows(SendFailedException.class, () -> sender(Fixtures.TEMPLATE_ID).send(PARENT, TEXT, "msg-13"));

        String lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertTrue(logs.list.size() >= 4, lines);
        assertTrue(lines.contains("wechat:****OvLw"), lines);
        for (String secret : List.of(Fixtures.OPENID, "小明", ACCESS_TOKEN, Fixtures.APP_SECRET)) {
            assertFalse(lines.contains(secret), "logs show " + secret + ":\n" + lines);
        }
    }

    private WechatSender sender(String templateId) {
        return new WechatSender(Fixtures.apiSettings(WECHAT.baseUrl(), templateId), Duration.ofSeconds(2),
                Duration.ofSeconds(2), Fixtures.CLOCK);
    }

    private static void stubToken(ResponseDefinitionBuilder answer) {
        WECHAT.stubFor(post(urlPathEqualTo(TOKEN_PATH)).willReturn(answer));
    }

    /** The first token fetch gets {@code ACCESS_TOKEN}, every later one {@code ACCESS_TOKEN_2}. */
    private static void stubTokensInTurn() {
        WECHAT.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json("token-ok.json")).willSetStateTo("second"));
        WECHAT.stubFor(post(urlPathEqualTo(TOKEN_PATH)).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(jsonBody(Fixtures.text("token-ok.json").replace(ACCESS_TOKEN, NEW_TOKEN))));
    }

    private static void stubCustom(String token, ResponseDefinitionBuilder answer) {
        WECHAT.stubFor(post(urlPathEqualTo(CUSTOM)).withQueryParam("access_token", equalTo(token)).willReturn(answer));
    }

    /** WeChat's answers come as HTTP 200 with a JSON body (and WeChat's own odd content type). */
    private static ResponseDefinitionBuilder json(String fixture) {
        return jsonBody(Fixtures.text(fixture));
    }

    private static ResponseDefinitionBuilder jsonBody(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; encoding=utf-8").withBody(body);
    }

    private static LoggedRequest only(String path) {
        List<LoggedRequest> requests = WECHAT.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertEquals(1, requests.size(), "requests to " + path);
        return requests.get(0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ListAppender<ILoggingEvent> captureLogs(Class<?>... classes) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        for (Class<?> c : classes) {
            ((Logger) LoggerFactory.getLogger(c)).addAppender(appender);
        }
        return appender;
    }
}
