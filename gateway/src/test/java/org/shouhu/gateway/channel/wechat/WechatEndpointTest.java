package org.shouhu.gateway.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.LoggerFactory;

/** What WeChat (or a forger) sees when it calls {@code /wechat}, and what the sink gets. */
class WechatEndpointTest {

    private static final long NOW = Fixtures.NOW.getEpochSecond();
    private static final String TEXT = Fixtures.text("text.xml");
    private static final String SUBSCRIBE = Fixtures.text("subscribe.xml");
    private static final String SUBSCRIBE_SCENE = Fixtures.text("subscribe-qrscene.xml");
    private static final String UNSUBSCRIBE = Fixtures.text("unsubscribe.xml");
    private static final String CHINESE = "到 3 5 7，小明今天到了吗？";
    private static final String TEXT_CHINESE = TEXT.replace("this is a test", CHINESE);
    private static final String LONG_CHINESE = "孩子们今天在河边安全地玩耍，".repeat(60).substring(0, 600);
    private static final String ECHOSTR = "5837397520665436492";

    private static final Map<String, String> SIGNED = Calls.signed(Fixtures.TOKEN, NOW);

    /** Which account the endpoint serves. */
    enum Mode {
        PLAIN, SAFE
    }

    /**
     * One callback and what must come of it.
     *
     * @param times     how often WeChat sends it (a retry sends it again)
     * @param sinkFails whether the sink throws
     * @param status    the answer's status
     * @param body      the answer's body, exactly
     * @param sinkGot   the messages the sink was handed, in order
     */
    record Case(String name, Mode mode, Supplier<HttpCall> call, int times, boolean sinkFails, int status, String body,
                List<InboundMessage> sinkGot) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        InboundMessage text = message("1234567890123456", "fromUser", "this is a test");
        InboundMessage chinese = message("1234567890123456", "fromUser", CHINESE);
        InboundMessage start = message("event:FromUser:123456789", "FromUser", "/start");
        InboundMessage startWithCode = message("event:FromUser:123456789", "FromUser", "/start 123456");
        InboundMessage stop = message("event:FromUser:123456789", "FromUser", "/stop");
        String encryptedText = encrypt(Fixtures.APP_ID, TEXT_CHINESE);
        String encryptedForOtherApp = encrypt("wx0000000000000000", TEXT_CHINESE);
        return Stream.of(
                // the URL check
                ok("GET echo, valid", Mode.PLAIN, () -> Calls.get(Calls.with(SIGNED, "echostr", ECHOSTR)), ECHOSTR),
                ok("GET echo in safe mode too", Mode.SAFE, () -> Calls.get(Calls.with(SIGNED, "echostr", ECHOSTR)),
                        ECHOSTR),
                refused("GET echo, forged signature", Mode.PLAIN, () -> Calls.get(Calls.with(
                        Calls.signed("someoneElsesToken", NOW), "echostr", ECHOSTR)), 403, "bad signature"),
                refused("GET echo, no signature", Mode.PLAIN, () -> Calls.get(Calls.with(
                        Calls.with(SIGNED, "signature", null), "echostr", ECHOSTR)), 403, "bad signature"),
                refused("GET echo, no timestamp", Mode.PLAIN, () -> Calls.get(Calls.with(
                        Calls.with(SIGNED, "timestamp", null), "echostr", ECHOSTR)), 403, "bad signature"),
                refused("GET without echostr", Mode.PLAIN, () -> Calls.get(SIGNED), 400, "missing echostr"),

                // plain text messages
                delivered("POST text, valid", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT), text),
                delivered("POST text in Chinese", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT_CHINESE), chinese),
                delivered("POST text, 600 Chinese characters", Mode.PLAIN,
                        () -> Calls.post(SIGNED, TEXT.replace("this is a test", LONG_CHINESE)),
                        message("1234567890123456", "fromUser", LONG_CHINESE)),
                delivered("POST text that looks like XML inside CDATA", Mode.PLAIN,
                        () -> Calls.post(SIGNED, TEXT.replace("this is a test", "<b>&amp;</b> ]]]]><![CDATA[>")),
                        message("1234567890123456", "fromUser", "<b>&amp;</b> ]]>")),
                delivered("POST text, empty Content", Mode.PLAIN,
                        () -> Calls.post(SIGNED, TEXT.replace("this is a test", "")),
                        message("1234567890123456", "fromUser", "")),
                new Case("repeated MsgId reaches the sink each time, same providerId", Mode.PLAIN,
                        () -> Calls.post(SIGNED, TEXT), 3, false, 200, "success", List.of(text, text, text)),
                new Case("sink throws", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT), 1, true, 500, "try again",
                        List.of(text)),

                // follows and unfollows
                delivered("subscribe without scene", Mode.PLAIN, () -> Calls.post(SIGNED, SUBSCRIBE), start),
                delivered("subscribe by parametric QR code qrscene_123456", Mode.PLAIN,
                        () -> Calls.post(SIGNED, SUBSCRIBE_SCENE), startWithCode),
                delivered("subscribe with an empty EventKey", Mode.PLAIN,
                        () -> Calls.post(SIGNED, SUBSCRIBE_SCENE.replace("qrscene_123456", "")), start),
                delivered("unsubscribe", Mode.PLAIN, () -> Calls.post(SIGNED, UNSUBSCRIBE), stop),

                // what we do not act on
                ignored("image", "image.xml"),
                ignored("voice", "voice.xml"),
                ignored("location", "location.xml"),
                ignored("link", "link.xml"),
                delivered("SCAN of a parametric QR code by a follower", Mode.PLAIN,
                        () -> Calls.post(SIGNED, Fixtures.text("scan.xml").replace("SCENE_VALUE", "12345678")),
                        message("event:FromUser:123456789", "FromUser", "/start 12345678")),
                delivered("SCAN of a QR code made before codes grew to 8 digits", Mode.PLAIN,
                        () -> Calls.post(SIGNED, Fixtures.text("scan.xml").replace("SCENE_VALUE", "123456")), startWithCode),
                delivered("SCAN of a QR code whose scene is 7 digits, no invite code", Mode.PLAIN,
                        () -> Calls.post(SIGNED, Fixtures.text("scan.xml").replace("SCENE_VALUE", "1234567")), null),
                ignored("SCAN of a QR code whose scene is no invite code", "scan.xml"),
                delivered("unknown MsgType", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace("[text]", "[miniprogrampage]")),
                        null),

                // forged and replayed
                refused("POST, bad signature", Mode.PLAIN, () -> Calls.post(Calls.signed("someoneElsesToken", NOW), TEXT),
                        403, "bad signature"),
                refused("POST, signature of another nonce", Mode.PLAIN,
                        () -> Calls.post(Calls.with(SIGNED, "nonce", "1514711493"), TEXT), 403, "bad signature"),
                refused("POST, no signature at all", Mode.PLAIN, () -> Calls.post(Map.of(), TEXT), 403, "bad signature"),
                refused("POST, replayed 301 s later", Mode.PLAIN, () -> Calls.post(Calls.signed(Fixtures.TOKEN,
                        NOW - 301), TEXT), 403, "stale timestamp"),
                delivered("POST, signed 300 s ago", Mode.PLAIN, () -> Calls.post(Calls.signed(Fixtures.TOKEN, NOW - 300),
                        TEXT), text),
                refused("POST, timestamp 301 s ahead", Mode.PLAIN, () -> Calls.post(Calls.signed(Fixtures.TOKEN,
                        NOW + 301), TEXT), 403, "stale timestamp"),
                refused("POST, signed timestamp that is no number", Mode.PLAIN, () -> Calls.post(signedAt("17140365O4"),
                        TEXT), 403, "bad timestamp"),
                refused("POST, signed timestamp beyond a long", Mode.PLAIN, () -> Calls.post(
                        signedAt("9999999999999999999"), TEXT), 403, "bad timestamp"),
                refused("POST, signed negative timestamp", Mode.PLAIN, () -> Calls.post(signedAt("-1714036504"),
                        TEXT), 403, "bad timestamp"),

                // malformed
                refused("XXE (file:///etc/passwd)", Mode.PLAIN, () -> Calls.post(SIGNED, Fixtures.text("xxe.xml")), 400,
                        "malformed XML: a DOCTYPE is not accepted"),
                refused("billion laughs", Mode.PLAIN, () -> Calls.post(SIGNED, Fixtures.text("billion-laughs.xml")), 400,
                        "malformed XML: a DOCTYPE is not accepted"),
                refused("malformed XML", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace("</MsgType>", "")), 400,
                        "malformed XML: not well-formed"),
                refused("empty body", Mode.PLAIN, () -> Calls.post(SIGNED, ""), 400, "malformed XML: not well-formed"),
                refused("JSON body", Mode.PLAIN, () -> Calls.post(SIGNED, "{\"MsgType\":\"text\"}"), 400,
                        "malformed XML: not well-formed"),
                refused("root is not <xml>", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace("xml>", "message>")), 400,
                        "malformed XML: the root element is not <xml>"),
                refused("field given twice", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace("</xml>",
                        "<FromUserName><![CDATA[otherUser]]></FromUserName></xml>")), 400,
                        "malformed XML: <FromUserName> appears twice"),
                refused("missing MsgType", Mode.PLAIN, () -> Calls.post(SIGNED, without(TEXT, "MsgType")), 400,
                        "missing MsgType"),
                refused("missing FromUserName", Mode.PLAIN, () -> Calls.post(SIGNED, without(TEXT, "FromUserName")), 400,
                        "missing FromUserName"),
                refused("FromUserName not an openid", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace("[fromUser]",
                        "[+8613912345678]")), 400, "FromUserName is not an openid"),
                refused("text without MsgId", Mode.PLAIN, () -> Calls.post(SIGNED, TEXT.replace(
                        "<MsgId>1234567890123456</MsgId>", "")), 400, "missing MsgId"),
                refused("text without Content", Mode.PLAIN, () -> Calls.post(SIGNED, without(TEXT, "Content")), 400,
                        "missing Content"),
                refused("event without Event", Mode.PLAIN, () -> Calls.post(SIGNED, without(SUBSCRIBE, "Event")), 400,
                        "missing Event"),
                refused("subscribe without CreateTime", Mode.PLAIN, () -> Calls.post(SIGNED, SUBSCRIBE.replace(
                        "<CreateTime>123456789</CreateTime>", "")), 400, "missing CreateTime"),
                refused("subscribe with CreateTime not a number", Mode.PLAIN, () -> Calls.post(SIGNED, SUBSCRIBE.replace(
                        "123456789", "yesterday")), 400, "CreateTime is not a number"),
                refused("PUT", Mode.PLAIN, () -> Calls.call("PUT", SIGNED, TEXT), 405,
                        "method not allowed: use GET or POST"),

                // safe mode
                delivered("safe mode, valid", Mode.SAFE,
                        () -> Calls.post(Calls.safe(Fixtures.TOKEN, NOW, encryptedText), Calls.envelope(encryptedText)),
                        chinese),
                delivered("safe mode, Encrypt with whitespace around the CDATA", Mode.SAFE,
                        () -> Calls.post(Calls.safe(Fixtures.TOKEN, NOW, encryptedText),
                                Calls.envelope(encryptedText).replace("<Encrypt>", "<Encrypt>\n    ")),
                        chinese),
                delivered("safe mode, subscribe by QR code", Mode.SAFE, () -> {
                    String encrypt = encrypt(Fixtures.APP_ID, SUBSCRIBE_SCENE);
                    return Calls.post(Calls.safe(Fixtures.TOKEN, NOW, encrypt), Calls.envelope(encrypt));
                }, startWithCode),
                refused("safe mode, wrong appid", Mode.SAFE, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedForOtherApp), Calls.envelope(encryptedForOtherApp)),
                        403, "message for another AppID"),
                refused("safe mode, wrong msg_signature", Mode.SAFE, () -> Calls.post(Calls.with(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), "msg_signature", SIGNED.get("signature")),
                        Calls.envelope(encryptedText)), 403, "bad msg_signature"),
                refused("safe mode, msg_signature of another Encrypt", Mode.SAFE, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedForOtherApp), Calls.envelope(encryptedText)),
                        403, "bad msg_signature"),
                refused("safe mode, no msg_signature", Mode.SAFE, () -> Calls.post(Calls.with(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), "msg_signature", null),
                        Calls.envelope(encryptedText)), 403, "bad msg_signature"),
                refused("safe mode, bad plain signature", Mode.SAFE, () -> Calls.post(Calls.with(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), "signature", "0".repeat(40)),
                        Calls.envelope(encryptedText)), 403, "bad signature"),
                refused("safe mode, plain message refused", Mode.SAFE, () -> Calls.post(SIGNED, TEXT), 403,
                        "plain message refused: safe mode is configured"),
                // every plain-mode spelling is refused once an EncodingAESKey is configured, events as much as texts
                refused("safe mode, plain message with encrypt_type=raw refused", Mode.SAFE,
                        () -> Calls.post(Calls.with(SIGNED, "encrypt_type", "raw"), TEXT), 403,
                        "plain message refused: safe mode is configured"),
                refused("safe mode, plain message with encrypt_type=RAW refused", Mode.SAFE,
                        () -> Calls.post(Calls.with(SIGNED, "encrypt_type", "RAW"), TEXT), 403,
                        "plain message refused: safe mode is configured"),
                refused("safe mode, plain message with an empty encrypt_type refused", Mode.SAFE,
                        () -> Calls.post(Calls.with(SIGNED, "encrypt_type", ""), TEXT), 403,
                        "plain message refused: safe mode is configured"),
                refused("safe mode, plain subscribe by QR code refused", Mode.SAFE,
                        () -> Calls.post(SIGNED, SUBSCRIBE_SCENE), 403, "plain message refused: safe mode is configured"),
                refused("safe mode, plain message with a msg_signature of its own refused", Mode.SAFE,
                        () -> Calls.post(Calls.with(SIGNED, "msg_signature", SIGNED.get("signature")), TEXT), 403,
                        "plain message refused: safe mode is configured"),
                refused("safe mode, envelope without Encrypt", Mode.SAFE, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), TEXT), 400, "missing Encrypt"),
                refused("safe mode, signed Encrypt that is not ours", Mode.SAFE, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, "bm90IG91cnM="), Calls.envelope("bm90IG91cnM=")), 400,
                        "cannot decrypt Encrypt: not a whole number of 32-byte blocks"),
                refused("safe mode, XXE inside the encrypted message", Mode.SAFE, () -> {
                    String encrypt = encrypt(Fixtures.APP_ID, Fixtures.text("xxe.xml"));
                    return Calls.post(Calls.safe(Fixtures.TOKEN, NOW, encrypt), Calls.envelope(encrypt));
                }, 400, "malformed XML: a DOCTYPE is not accepted"),
                refused("safe mode, XXE in the envelope", Mode.SAFE, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), Fixtures.text("xxe.xml")), 400,
                        "malformed XML: a DOCTYPE is not accepted"),
                refused("encrypted message to a plain-mode account", Mode.PLAIN, () -> Calls.post(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), Calls.envelope(encryptedText)), 400,
                        "encrypted message, but no EncodingAESKey is configured"),
                refused("unknown encrypt_type", Mode.SAFE, () -> Calls.post(Calls.with(
                        Calls.safe(Fixtures.TOKEN, NOW, encryptedText), "encrypt_type", "sm4"),
                        Calls.envelope(encryptedText)), 400, "unknown encrypt_type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWechatAndHandsOnVerifiedMessages(Case c) {
        RecordingSink sink = new RecordingSink(c.sinkFails());
        WechatSettings settings = c.mode() == Mode.SAFE ? Fixtures.safeSettings() : Fixtures.plainSettings();
        WechatEndpoint endpoint = new WechatEndpoint(settings, sink, Fixtures.CLOCK);

        List<HttpReply> replies = new ArrayList<>();
        for (int i = 0; i < c.times(); i++) {
            replies.add(endpoint.handle(c.call().get()));
        }

        for (HttpReply reply : replies) {
            assertAll(c.name(),
                    () -> assertEquals(c.status(), reply.status(), "status"),
                    () -> assertEquals(c.body(), new String(reply.body(), StandardCharsets.UTF_8), "body"),
                    () -> assertEquals("text/plain; charset=utf-8", reply.contentType(), "content type"));
        }
        assertEquals(c.sinkGot(), sink.received, "messages handed to the sink");
    }

    @Test
    void theOfficialEncryptedVideoMessageDecryptsAndIsIgnored() {
        WechatSettings demo = new WechatSettings(Fixtures.DEMO_APP_ID, "demo-secret", Fixtures.DEMO_TOKEN,
                Fixtures.DEMO_AES_KEY, null, null);
        Clock then = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(Fixtures.DEMO_TIMESTAMP)), ZoneOffset.UTC);
        RecordingSink sink = new RecordingSink(false);
        ListAppender<ILoggingEvent> logs = captureLogs();
        Map<String, String> query = Map.of(
                "signature", WechatSignature.sign(Fixtures.DEMO_TOKEN, Fixtures.DEMO_TIMESTAMP, Fixtures.DEMO_NONCE),
                "timestamp", Fixtures.DEMO_TIMESTAMP,
                "nonce", Fixtures.DEMO_NONCE,
                "encrypt_type", "aes",
                "msg_signature", WechatSignature.sign(Fixtures.DEMO_TOKEN, Fixtures.DEMO_TIMESTAMP, Fixtures.DEMO_NONCE,
                        Fixtures.DEMO_VIDEO_CIPHERTEXT));

        HttpReply reply = new WechatEndpoint(demo, sink, then).handle(Calls.post(query,
                Calls.envelope(Fixtures.DEMO_VIDEO_CIPHERTEXT)));

        assertEquals(200, reply.status());
        assertEquals("success", new String(reply.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(), sink.received);
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Ignored WeChat video")),
                "the video was decrypted and read: " + logs.list);
    }

    @Test
    void externalEntitiesAreNeverFetched(@TempDir Path dir) throws Exception {
        AtomicInteger fetched = new AtomicInteger();
        HttpServer attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attacker.createContext("/", exchange -> {
            fetched.incrementAndGet();
            byte[] dtd = "<!ENTITY leak \"leaked\">".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        attacker.start();
        try {
            Path secret = Files.writeString(dir.resolve("secret.txt"), "canary-7f3a");
            String url = "http://127.0.0.1:" + attacker.getAddress().getPort() + "/evil.dtd";
            RecordingSink sink = new RecordingSink(false);
            WechatEndpoint endpoint = new WechatEndpoint(Fixtures.plainSettings(), sink, Fixtures.CLOCK);

            List<HttpReply> replies = List.of(
                    endpoint.handle(Calls.post(SIGNED, Fixtures.text("xxe.xml").replace("file:///etc/passwd",
                            secret.toUri().toString()))),
                    endpoint.handle(Calls.post(SIGNED, Fixtures.text("xxe.xml").replace("file:///etc/passwd", url))),
                    endpoint.handle(Calls.post(SIGNED, Fixtures.text("xxe-parameter-entity.xml")
                            .replace("REMOTE_URL", url))));

            for (HttpReply reply : replies) {
                String body = new String(reply.body(), StandardCharsets.UTF_8);
                assertEquals(400, reply.status(), body);
                assertFalse(body.contains("canary") || body.contains("leaked"), body);
            }
            assertEquals(0, fetched.get(), "requests for the external DTD or entity");
            assertEquals(List.of(), sink.received);
        } finally {
            attacker.stop(0);
        }
    }

    @Test
    void aFailingSinkLeavesNoTraceOfTheFailureInTheAnswer() {
        InboundSink broken = message -> {
            throw new IllegalStateException("redis down");
        };
        WechatEndpoint endpoint = new WechatEndpoint(Fixtures.plainSettings(), broken, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(Calls.post(SIGNED, TEXT));

        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertEquals(500, reply.status());
        assertFalse(body.contains("redis") || body.contains("Exception") || body.contains("\tat "), body);
    }

    @Test
    void logsShowNeitherTheOpenidNorTheText() {
        ListAppender<ILoggingEvent> logs = captureLogs();
        WechatEndpoint endpoint = new WechatEndpoint(Fixtures.plainSettings(), new RecordingSink(false), Fixtures.CLOCK);
        String fromParent = TEXT_CHINESE.replace("fromUser", Fixtures.OPENID);

        endpoint.handle(Calls.post(SIGNED, fromParent));
        endpoint.handle(Calls.post(SIGNED, SUBSCRIBE_SCENE.replace("FromUser", Fixtures.OPENID)));
        endpoint.handle(Calls.post(SIGNED, Fixtures.text("image.xml").replace("fromUser", Fixtures.OPENID)));
        endpoint.handle(Calls.post(Calls.signed("someoneElsesToken", NOW), fromParent));

        assertEquals(4, logs.list.size(), "one line per call: " + lines(logs));
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage();
            assertFalse(line.contains(Fixtures.OPENID) || line.contains("小明") || line.contains(Fixtures.TOKEN), line);
        }
        assertTrue(lines(logs).contains("wechat:****OvLw"), lines(logs));
    }

    @Test
    void throughTheHttpServerAValidCallIsTakenAndAnOversizedOneRefusedBeforeTheEndpoint() throws Exception {
        RecordingSink sink = new RecordingSink(false);
        WechatEndpoint endpoint = new WechatEndpoint(Fixtures.plainSettings(), sink, Fixtures.CLOCK);
        try (org.shouhu.gateway.http.HttpServer server = new org.shouhu.gateway.http.HttpServer()
                .route(WechatEndpoint.PATH, endpoint).start("127.0.0.1", 0, 2)) {
            HttpClient client = HttpClient.newHttpClient();
            String query = SIGNED.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("&"));
            URI uri = URI.create("http://127.0.0.1:" + server.port() + WechatEndpoint.PATH + "?" + query);
            String oversized = TEXT.replace("this is a test", "字".repeat(22_000));

            HttpResponse<String> valid = client.send(post(uri, TEXT_CHINESE), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> tooBig = client.send(post(uri, oversized), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, valid.statusCode());
            assertEquals("success", valid.body());
            assertEquals(413, tooBig.statusCode());
            assertEquals(List.of(message("1234567890123456", "fromUser", CHINESE)), sink.received);
        }
    }

    private static HttpRequest post(URI uri, String xml) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(xml, StandardCharsets.UTF_8)).build();
    }

    private static Case ok(String name, Mode mode, Supplier<HttpCall> call, String body) {
        return new Case(name, mode, call, 1, false, 200, body, List.of());
    }

    private static Case delivered(String name, Mode mode, Supplier<HttpCall> call, InboundMessage message) {
        return new Case(name, mode, call, 1, false, 200, "success", message == null ? List.of() : List.of(message));
    }

    private static Case ignored(String name, String fixture) {
        return new Case(name + " is answered and ignored", Mode.PLAIN, () -> Calls.post(SIGNED, Fixtures.text(fixture)),
                1, false, 200, "success", List.of());
    }

    private static Case refused(String name, Mode mode, Supplier<HttpCall> call, int status, String body) {
        return new Case(name, mode, call, 1, false, status, body, List.of());
    }

    private static InboundMessage message(String providerId, String openid, String body) {
        return new InboundMessage("wechat", providerId, new Address("wechat:" + openid), body, Fixtures.NOW);
    }

    private static String encrypt(String appId, String xml) {
        return Encrypter.encrypt(Fixtures.AES_KEY, appId, "r4nd0m-16-bytes!", xml);
    }

    /** A query whose signature is valid over this (odd) timestamp. */
    private static Map<String, String> signedAt(String timestamp) {
        return Map.of("signature", WechatSignature.sign(Fixtures.TOKEN, timestamp, Calls.NONCE), "timestamp", timestamp,
                "nonce", Calls.NONCE);
    }

    private static String without(String xml, String field) {
        return xml.replaceAll("\\s*<" + field + ">.*?</" + field + ">", "");
    }

    private static String lines(ListAppender<ILoggingEvent> logs) {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger(WechatEndpoint.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    /** Remembers what it is handed; throws afterwards when told to fail. */
    @Test
    void aMessageAnotherTryIsStillActingOnIsNeverAnswered200() {
        InboundSink busy = message -> {
            throw new InboundInProgressException(message.providerId(), java.time.Duration.ofSeconds(2));
        };
        var endpoint = new WechatEndpoint(Fixtures.plainSettings(), busy, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(Calls.post(SIGNED, TEXT));

        assertEquals(503, reply.status(), "by then WeChat stopped waiting and sent its retry");
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
