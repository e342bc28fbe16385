package org.shouhu.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.http.HttpServer;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.LoggerFactory;

/** What Telegram (or anyone else) sees when it posts to {@code /telegram}, and what the sink gets. */
class TelegramWebhookEndpointTest {

    private static final String PATH = TelegramWebhookEndpoint.PATH;
    private static final String START = Fixtures.text("update-private-start.json");
    private static final String DIGIT = Fixtures.text("update-private-digit.json");
    private static final String CHINESE = Fixtures.text("update-private-chinese.json");
    private static final long OTHER_PARENT_CHAT = 6120457793L;
    /** Near Telegram's 4,096-character limit, with a line break and an emoji (two UTF-16 units) in it. */
    private static final String LONG_TEXT = ("小明今天在托管点写完了作业，下午和同学们一起踢球。\n👍").repeat(200).substring(0, 4000);

    /** What the call carries in {@code X-Telegram-Bot-Api-Secret-Token}. */
    enum Secret {
        /** Our secret, as setWebhook was given it. */
        OURS,
        /** A secret of the same length that differs in its last character. */
        WRONG,
        /** Ours with one more character. */
        LONGER,
        /** The header, empty. */
        EMPTY,
        /** No header. */
        MISSING;

        String header() {
            return switch (this) {
                case OURS -> Fixtures.WEBHOOK_SECRET;
                case WRONG -> Fixtures.WEBHOOK_SECRET.substring(0, Fixtures.WEBHOOK_SECRET.length() - 1) + "X";
                case LONGER -> Fixtures.WEBHOOK_SECRET + "0";
                case EMPTY -> "";
                case MISSING -> null;
            };
        }
    }

    /**
     * One webhook call and what must come of it.
     *
     * @param times     how often Telegram posts it (a retry posts it again)
     * @param sinkFails whether the sink throws
     * @param status    the answer's status
     * @param body      the answer's body, exactly
     * @param sinkGot   the messages the sink was handed, in order
     */
    record Case(String name, String method, Secret secret, String update, int times, boolean sinkFails,
                int status, String body, List<InboundMessage> sinkGot) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        InboundMessage start = message(902713471, Fixtures.PARENT_CHAT, "/start 123456");
        return Stream.of(
                accepted("/start with a code, private chat", START, start),
                accepted("a digit, private chat", DIGIT, message(902713472, Fixtures.PARENT_CHAT, "4")),
                accepted("Chinese text, private chat", CHINESE, message(902713473, OTHER_PARENT_CHAT, "绑定 123456")),
                accepted("/status as typed", DIGIT.replace("\"text\": \"4\"", "\"text\": \"/status\""),
                        message(902713472, Fixtures.PARENT_CHAT, "/status")),
                accepted("/help as typed", DIGIT.replace("\"text\": \"4\"", "\"text\": \"/help\""),
                        message(902713472, Fixtures.PARENT_CHAT, "/help")),
                accepted("4,000-character text, passed whole", withText(CHINESE, LONG_TEXT),
                        message(902713473, OTHER_PARENT_CHAT, LONG_TEXT)),
                new Case("replayed update: both reach the sink, same providerId", "POST", Secret.OURS, START, 2, false,
                        200, "", List.of(start, start)),
                new Case("sink throws", "POST", Secret.OURS, START, 1, true, 500, "try again", List.of(start)),

                refused("wrong secret", Secret.WRONG, START, 403, "bad secret token"),
                refused("secret one character longer", Secret.LONGER, START, 403, "bad secret token"),
                refused("empty secret", Secret.EMPTY, START, 403, "bad secret token"),
                refused("missing secret", Secret.MISSING, START, 403, "bad secret token"),
                new Case("GET", "GET", Secret.OURS, "", 1, false, 405, "method not allowed: use POST", List.of()),
                new Case("GET without secret", "GET", Secret.MISSING, "", 1, false,
                        405, "method not allowed: use POST", List.of()),
                refused("malformed JSON", Secret.OURS, START.substring(0, START.length() / 2), 400, "body is not JSON"),
                refused("empty body", Secret.OURS, "", 400, "body is not JSON"),
                refused("two JSON documents", Secret.OURS, START + START, 400, "body is not JSON"),
                refused("JSON array", Secret.OURS, "[" + START + "]", 400, "body is not a JSON object"),
                refused("no update_id", Secret.OURS, START.replace("\"update_id\": 902713471,", ""),
                        400, "missing update_id"),
                refused("update_id null", Secret.OURS, START.replace("902713471", "null"), 400, "missing update_id"),
                refused("update_id a string", Secret.OURS, START.replace("902713471", "\"902713471\""),
                        400, "update_id is not a whole number"),
                refused("private text message whose chat has no id", Secret.OURS,
                        DIGIT.replace("\"id\": 5839124067,\n      \"first_name\": \"建国\",\n      \"last_name\": \"王\",\n      \"type\"",
                                "\"first_name\": \"建国\",\n      \"last_name\": \"王\",\n      \"type\""),
                        400, "message.chat.id is not a number"),

                ignored("edited_message", "update-edited-message.json"),
                ignored("channel_post", "update-channel-post.json"),
                ignored("callback_query (a button press)", "update-callback-query.json"),
                ignored("sticker without text", "update-sticker.json"),
                ignored("photo without text", "update-photo.json"),
                ignored("group chat", "update-group-message.json"),
                ignored("supergroup chat", "update-supergroup-message.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersTelegramAndHandsOnPrivateTextMessages(Case c) throws Exception {
        RecordingSink sink = new RecordingSink(c.sinkFails());
        TelegramWebhookEndpoint endpoint = new TelegramWebhookEndpoint(Fixtures.settings(), sink, Fixtures.CLOCK);

        List<HttpReply> replies = new ArrayList<>();
        for (int i = 0; i < c.times(); i++) {
            replies.add(endpoint.handle(call(c.method(), c.secret().header(), c.update())));
        }

        for (HttpReply reply : replies) {
            assertAll(c.name(),
                    () -> assertEquals(c.status(), reply.status(), "status"),
                    () -> assertEquals(c.body(), new String(reply.body(), StandardCharsets.UTF_8), "body"));
        }
        assertEquals(c.sinkGot(), sink.received, "messages handed to the sink");
    }

    @Test
    void aReplayedUpdateReachesTheSinkAgainUnderTheSameProviderIdForTheSinkToDropIt() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        TelegramWebhookEndpoint endpoint = new TelegramWebhookEndpoint(Fixtures.settings(), sink, Fixtures.CLOCK);

        HttpReply first = endpoint.handle(call("POST", Fixtures.WEBHOOK_SECRET, CHINESE));
        HttpReply again = endpoint.handle(call("POST", Fixtures.WEBHOOK_SECRET, CHINESE));

        assertEquals(List.of(200, 200), List.of(first.status(), again.status()));
        assertEquals(2, sink.received.size());
        assertEquals("902713473", sink.received.get(0).providerId());
        assertEquals(sink.received.get(0).providerId(), sink.received.get(1).providerId());
    }

    @Test
    void aFailingSinkLeavesNoTraceOfTheFailureInTheAnswer() throws Exception {
        InboundSink broken = message -> {
            throw new IllegalStateException("redis down at 10.0.0.7:6379");
        };
        TelegramWebhookEndpoint endpoint = new TelegramWebhookEndpoint(Fixtures.settings(), broken, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(call("POST", Fixtures.WEBHOOK_SECRET, START));

        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertEquals(500, reply.status());
        assertEquals("try again", body);
        assertFalse(body.contains("redis") || body.contains("Exception") || body.contains("\tat "), body);
    }

    /** Through the real HTTP server, with the header spelt as Telegram sends it. */
    @Test
    void overTheGatewaysHttpServer() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        TelegramWebhookEndpoint endpoint = new TelegramWebhookEndpoint(Fixtures.settings(), sink, Fixtures.CLOCK);
        try (HttpServer server = new HttpServer().route(PATH, endpoint).start("127.0.0.1", 0, 2)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + PATH);

            HttpResponse<String> ok = client.send(telegramPost(uri, Fixtures.WEBHOOK_SECRET, CHINESE),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> forged = client.send(telegramPost(uri, "guessed", CHINESE),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, ok.statusCode());
            assertEquals("", ok.body());
            assertEquals(403, forged.statusCode());
            assertEquals(List.of(message(902713473, OTHER_PARENT_CHAT, "绑定 123456")), sink.received);
        }
    }

    @Test
    void logsShowChatIdsMaskedAndNeverTheText() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(TelegramWebhookEndpoint.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            TelegramWebhookEndpoint endpoint = new TelegramWebhookEndpoint(Fixtures.settings(),
                    new RecordingSink(false), Fixtures.CLOCK);
            for (String update : List.of(START, CHINESE, Fixtures.text("update-edited-message.json"),
                    Fixtures.text("update-group-message.json"), Fixtures.text("update-sticker.json"))) {
                endpoint.handle(call("POST", Fixtures.WEBHOOK_SECRET, update));
            }
            endpoint.handle(call("POST", "guessed", START));
        } finally {
            logger.setLevel(level);
            logger.detachAppender(logs);
        }

        assertEquals(6, logs.list.size(), "one line per call");
        assertTrue(logs.list.get(0).getFormattedMessage().contains("telegram:****4067"),
                logs.list.get(0).getFormattedMessage());
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(String.valueOf(Fixtures.PARENT_CHAT)) || line.contains("6120457793"), line);
            assertFalse(line.contains("123456") || line.contains("绑定") || line.contains("/status"), line);
            assertFalse(line.contains(Fixtures.WEBHOOK_SECRET) || line.contains("guessed"), line);
        }
    }

    private static Case accepted(String name, String update, InboundMessage expected) {
        return new Case(name, "POST", Secret.OURS, update, 1, false, 200, "", List.of(expected));
    }

    private static Case refused(String name, Secret secret, String update, int status, String reason) {
        return new Case(name, "POST", secret, update, 1, false, status, reason, List.of());
    }

    private static Case ignored(String name, String fixture) {
        return new Case(name + ": ignored", "POST", Secret.OURS, Fixtures.text(fixture), 1, false, 200, "", List.of());
    }

    /** The call the HTTP server would hand the endpoint: header names lower-cased, JSON as Telegram posts it. */
    private static HttpCall call(String method, String secret, String body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/json");
        if (secret != null) {
            headers.put("x-telegram-bot-api-secret-token", secret);
        }
        return new HttpCall(method, PATH, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest telegramPost(URI uri, String secret, String body) {
        return HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("X-Telegram-Bot-Api-Secret-Token", secret)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private static InboundMessage message(long updateId, long chatId, String text) {
        return new InboundMessage("telegram", String.valueOf(updateId), new Address("telegram:" + chatId), text,
                Fixtures.NOW);
    }

    private static String withText(String update, String text) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode tree = (ObjectNode) json.readTree(update);
            ((ObjectNode) tree.get("message")).put("text", text);
            return json.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Remembers what it is handed; throws afterwards when told to fail. */
    @Test
    void aMessageAnotherTryIsStillActingOnIsNeverAnswered200() {
        InboundSink busy = message -> {
            throw new InboundInProgressException(message.providerId(), java.time.Duration.ofSeconds(2));
        };
        var endpoint = new TelegramWebhookEndpoint(Fixtures.settings(), busy, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(call("POST", Fixtures.WEBHOOK_SECRET, START));

        assertEquals(503, reply.status(), "Telegram sends again whatever is not 2xx");
    }

    private static final class RecordingSink implements InboundSink {
        private final boolean fails;
        private final List<InboundMessage> received = Collections.synchronizedList(new ArrayList<>());

        RecordingSink(boolean fails) {
            this.fails = fails;
        }

        @Override
        public void accept(InboundMessage message) {
            received.add(message);
            if (fails) {
                throw new IllegalStateException("outbox unavailable");
            }
        }
    }
}
