package org.shouhu.gateway.channel.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

/** The real sender against a stubbed Bot API: what Telegram receives, and how its answers are read. */
class TelegramSenderTest {

    @RegisterExtension
    static final WireMockExtension TELEGRAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String SEND_MESSAGE = "/bot" + Fixtures.BOT_TOKEN + "/sendMessage";
    private static final String TEXT = "小明今天 08:02 已到托管点，家长请放心。";
    private static final Address PARENT = new Address("telegram:" + Fixtures.PARENT_CHAT);

    @Test
    void sendsTheTextAsTypedAndReturnsChatAndMessageId() throws Exception {
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok()));

        SendReceipt receipt = sender().send(PARENT, TEXT, "msg-1");

        assertEquals(new SendReceipt("5839124067:1188", DeliveryStatus.SENT), receipt);
        LoggedRequest request = onlyRequest();
        assertEquals("{\"chat_id\":5839124067,\"text\":\"小明今天 08:02 已到托管点，家长请放心。\"}",
                new String(request.getBody(), StandardCharsets.UTF_8));
        assertEquals("application/json", request.getHeader("Content-Type"));
    }

    @Test
    void quotesLineBreaksAndQuotesInTheTextAsJson() throws Exception {
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok()));

        sender().send(PARENT, "回 \"1\" 收到\n回 4 查询", "msg-2");

        assertEquals("{\"chat_id\":5839124067,\"text\":\"回 \\\"1\\\" 收到\\n回 4 查询\"}",
                new String(onlyRequest().getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void anApiUrlWithAPathKeepsIt() throws Exception {
        TELEGRAM.stubFor(post(urlEqualTo("/stub/telegram" + SEND_MESSAGE)).willReturn(ok()));

        SendReceipt receipt = new TelegramSender(Fixtures.settings(TELEGRAM.baseUrl() + "/stub/telegram/"))
                .send(PARENT, TEXT, "msg-3");

        assertEquals("5839124067:1188", receipt.providerId());
    }

    @Test
    void sendsToTheTelegramChannel() {
        assertEquals("telegram", sender().channel());
    }

    @Test
    void anAddressOfAnotherChannelIsRefusedWithoutCallingTelegram() {
        TelegramSender telegram = sender();

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> telegram.send(new Address("+8613912345678"), TEXT, "msg-4"));

        assertEquals("wrong-channel", failure.code());
        assertFalse(failure.isTransient());
        assertFalse(failure.recipientUnreachable());
        TELEGRAM.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aTelegramAddressWithoutANumericChatIdIsRefusedWithoutCallingTelegram() {
        TelegramSender telegram = sender();

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> telegram.send(new Address("telegram:@some_channel"), TEXT, "msg-5"));

        assertEquals("bad-address", failure.code());
        assertFalse(failure.isTransient());
        TELEGRAM.verify(0, anyRequestedFor(anyUrl()));
    }

    /** How the outbox must treat a failure. */
    enum Kind { TRANSIENT, PERMANENT, UNREACHABLE }

    /**
     * One answer of the Bot API that is not a sent message, and how it must be read.
     *
     * @param fixture     the body Telegram answers with (a fixture file name, or the body itself when not one)
     * @param reasonShows what the failure's reason must quote, so an operator sees Telegram's words
     */
    record Refusal(String name, int httpStatus, String fixture, Kind kind, String code, Duration retryAfter,
                   String reasonShows) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("429 Too Many Requests, retry after 7", 429, "error-429-retry-after-7.json",
                        Kind.TRANSIENT, "429", Duration.ofSeconds(7), "Too Many Requests: retry after 7"),
                new Refusal("429 without parameters", 429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests\"}",
                        Kind.TRANSIENT, "429", null, "Too Many Requests"),
                new Refusal("403 bot was blocked by the user", 403, "error-403-blocked.json",
                        Kind.UNREACHABLE, "403", null, "Forbidden: bot was blocked by the user"),
                new Refusal("403 user is deactivated", 403, "error-403-deactivated.json",
                        Kind.UNREACHABLE, "403", null, "Forbidden: user is deactivated"),
                new Refusal("400 chat not found", 400, "error-400-chat-not-found.json",
                        Kind.UNREACHABLE, "400", null, "Bad Request: chat not found"),
                new Refusal("400 message is too long", 400, "error-400-message-too-long.json",
                        Kind.PERMANENT, "400", null, "Bad Request: message is too long"),
                new Refusal("401 Unauthorized (wrong token)", 401, "error-401-unauthorized.json",
                        Kind.PERMANENT, "http-401", null, "Unauthorized"),
                new Refusal("502 from Telegram's nginx", 502, "error-502.html",
                        Kind.TRANSIENT, "http-502", null, "502"),
                new Refusal("500 without body", 500, "",
                        Kind.TRANSIENT, "http-500", null, "500"),
                new Refusal("200 that is not ok: may have been sent, so not again", 200,
                        "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: odd\"}",
                        Kind.PERMANENT, "http-200", null, "Bad Request: odd"),
                new Refusal("200 that is not JSON", 200, "<html>ok</html>",
                        Kind.PERMANENT, "http-200", null, "200"),
                new Refusal("200 ok without a message_id", 200, "{\"ok\":true,\"result\":true}",
                        Kind.PERMANENT, "http-200", null, "200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void readsTelegramsAnswerOnceWithoutRetrying(Refusal r) {
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(answer(r)));
        TelegramSender telegram = sender();

        SendFailedException failure = assertThrows(SendFailedException.class, () -> telegram.send(PARENT, TEXT, "msg-6"));

        assertAll(r.name(),
                () -> assertEquals(r.code(), failure.code(), "code"),
                () -> assertEquals(r.kind() == Kind.TRANSIENT, failure.isTransient(), "transient"),
                () -> assertEquals(r.kind() == Kind.UNREACHABLE, failure.recipientUnreachable(), "unreachable"),
                () -> assertFalse(failure.recipientOptedOut(), "opted out"),
                () -> assertEquals(Optional.ofNullable(r.retryAfter()), failure.retryAfter(), "retry after"),
                () -> assertTrue(failure.getMessage().contains(r.reasonShows()), failure.getMessage()),
                () -> assertFalse(failure.getMessage().contains(Fixtures.BOT_TOKEN), "reason shows the token"),
                () -> assertFalse(failure.getMessage().contains("<html>"), "reason quotes a web page"));
        TELEGRAM.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aTelegramThatTricklesItsAnswerIsCutAtTheCallDeadline() {
        // headers at once, then the body a chunk a second: the request timeout stopped at the headers
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok().withChunkedDribbleDelay(6, 6000)));
        TelegramSender telegram = new TelegramSender(Fixtures.settings(TELEGRAM.baseUrl()), Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofMillis(1500));

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> telegram.send(PARENT, TEXT, "msg-9"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(3000)) < 0, "cut after " + waited);
    }

    @Test
    void aTelegramThatDoesNotAnswerInTimeIsATransientTimeout() {
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok().withFixedDelay(3000)));
        TelegramSender telegram = new TelegramSender(Fixtures.settings(TELEGRAM.baseUrl()), Duration.ofSeconds(1),
                Duration.ofMillis(300));

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> telegram.send(PARENT, TEXT, "msg-7"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertFalse(failure.recipientUnreachable());
        assertTrue(waited.compareTo(Duration.ofMillis(2500)) < 0, "gave up after " + waited);
        assertFalse(failure.getMessage().contains(Fixtures.BOT_TOKEN), failure.getMessage());
        TELEGRAM.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aClosedPortIsATransientConnectionFailure() throws Exception {
        String closed = "http://127.0.0.1:" + closedPort();

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> new TelegramSender(Fixtures.settings(closed)).send(PARENT, TEXT, "msg-8"));

        assertEquals("connection", failure.code());
        assertTrue(failure.isTransient());
        assertFalse(failure.getMessage().contains(Fixtures.BOT_TOKEN), failure.getMessage());
    }

    @Test
    void eachSendIsExactlyOneRequest() throws Exception {
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok()));
        TelegramSender telegram = sender();

        telegram.send(PARENT, TEXT, "msg-9");
        telegram.send(PARENT, TEXT, "msg-10");
        TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(aResponse().withStatus(503)));
        assertThrows(SendFailedException.class, () -> telegram.send(PARENT, TEXT, "msg-11"));

        TELEGRAM.verify(3, postRequestedFor(urlEqualTo(SEND_MESSAGE)));
        TELEGRAM.verify(3, anyRequestedFor(anyUrl()));
    }

    @Test
    void logsShowNeitherTheTokenNorTheTextNorTheWholeChatId() {
        Logger logger = (Logger) LoggerFactory.getLogger(TelegramSender.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            TelegramSender telegram = sender();
            TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(ok()));
            assertThrows(SendFailedException.class, () -> {
                telegram.send(PARENT, TEXT, "msg-12");
                TELEGRAM.stubFor(post(urlEqualTo(SEND_MESSAGE)).willReturn(answer(new Refusal("", 403,
                        "error-403-blocked.json", Kind.UNREACHABLE, "403", null, ""))));
                telegram.send(PARENT, TEXT, "msg-13");
            });
        } finally {
            logger.detachAppender(logs);
        }

        assertEquals(2, logs.list.size(), "one line per send");
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage();
            assertTrue(line.contains("telegram:****4067"), line);
            assertFalse(line.contains(String.valueOf(Fixtures.PARENT_CHAT)), line);
            assertFalse(line.contains(Fixtures.BOT_TOKEN) || line.contains("AAEtest"), line);
            assertFalse(line.contains("小明") || line.contains("托管点"), line);
        }
    }

    private static TelegramSender sender() {
        return new TelegramSender(Fixtures.settings(TELEGRAM.baseUrl()));
    }

    private static ResponseDefinitionBuilder ok() {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(Fixtures.text("sendMessage-ok.json"));
    }

    private static ResponseDefinitionBuilder answer(Refusal r) {
        boolean file = r.fixture().endsWith(".json") || r.fixture().endsWith(".html");
        String body = file ? Fixtures.text(r.fixture()) : r.fixture();
        String type = body.startsWith("<") ? "text/html" : "application/json";
        return aResponse().withStatus(r.httpStatus()).withHeader("Content-Type", type).withBody(body);
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = TELEGRAM.findAll(postRequestedFor(urlEqualTo(SEND_MESSAGE)));
        assertEquals(1, requests.size(), "requests to Telegram");
        return requests.get(0);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
