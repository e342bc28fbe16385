package org.shouhu.gateway.channel.wechat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Official Account's server URL ({@code /wechat}): WeChat's URL check ({@code GET}) and every message and event a
 * follower causes ({@code POST}), verified, decrypted in safe mode and handed to the {@link InboundSink}.
 *
 * <p>Every call must carry {@code signature}, {@code timestamp} and {@code nonce} in its query with
 * {@code signature = sha1(sort(Token, timestamp, nonce))}, and a timestamp within 5 minutes of our clock (else 403).
 * That signature does not cover the body, so in safe mode ({@code encrypt_type=aes}) the body's {@code Encrypt} text
 * must also match {@code msg_signature} and decrypt to a message for our AppID (else 403); when an EncodingAESKey is
 * configured, only safe-mode messages are taken. Bodies are parsed with DTDs refused (400).
 *
 * <p>A text message becomes an {@link InboundMessage} with WeChat's {@code MsgId}; following becomes {@code /start}
 * ({@code /start <code>} when the follower scanned a parametric QR code {@code qrscene_<code>}), a follower's scan of
 * such a code ({@code SCAN} with a six-digit scene) {@code /start <code>} too, and unfollowing {@code /stop}, all with
 * the id {@code event:<openid>:<CreateTime>}. Pictures, voice, locations, links and other
 * events are answered and ignored. The answer is always the plain {@code success} (200): replies go out through the
 * outbox as customer-service messages, never as passive replies. WeChat retries a call that fails or is slow, so the
 * same message can arrive again; this endpoint passes every verified call on and the sink acts once per id. When the
 * sink throws, the answer is 500 so WeChat tries again.
 */
public final class WechatEndpoint implements HttpEndpoint {

    /** Where WeChat calls us (the server URL is {@code $SHOUHU_PUBLIC_URL/wechat}). */
    public static final String PATH = "/wechat";
    /** The channel name inbound messages from WeChat carry. */
    public static final String CHANNEL = "wechat";
    /** How far a callback's timestamp may be from our clock, either way. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** What WeChat must hear to consider a message handled. */
    static final String SUCCESS = "success";

    private static final Logger log = LoggerFactory.getLogger(WechatEndpoint.class);
    private static final Pattern OPENID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_ ]{1,40}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");
    /** Unix seconds: 12 digits reach the year 33658 and stay far inside what {@link Instant} can hold. */
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}");
    private static final String SCENE_PREFIX = "qrscene_";
    private static final Pattern INVITE_CODE = Pattern.compile("\\d{8}|\\d{6}"); // 6 digits: codes issued before codes grew to 8

    private final WechatSettings settings;
    private final WechatCrypto crypto;
    private final InboundSink sink;
    private final Clock clock;

    public WechatEndpoint(WechatSettings settings, InboundSink sink, Clock clock) {
        this.settings = settings;
        this.crypto = settings.safeMode() ? new WechatCrypto(settings.aesKey()) : null;
        this.sink = sink;
        this.clock = clock;
    }

    /** A refused call: the answer, and what the log says about it. */
    private static final class Refused extends Exception {
        private final HttpReply reply;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.reply = HttpReply.text(status, reason);
        }
    }

    @Override
    public HttpReply handle(HttpCall call) {
        try {
            boolean get = "GET".equals(call.method());
            if (!get && !"POST".equals(call.method())) {
                throw new Refused(405, "method not allowed: use GET or POST");
            }
            checkSignature(call);
            return get ? echo(call) : take(call);
        } catch (Refused refused) {
            int status = refused.reply.status();
            if (status == 403) {
                log.warn("Refused WeChat {} call: {}", call.method(), refused.getMessage());
            } else {
                log.info("Refused WeChat {} call ({}): {}", call.method(), status, refused.getMessage());
            }
            return refused.reply;
        }
    }

    /** The URL check WeChat makes when the server settings are saved: echo {@code echostr}. */
    private static HttpReply echo(HttpCall call) throws Refused {
        String echostr = call.queryParam("echostr");
        if (echostr == null || echostr.isEmpty()) {
            throw new Refused(400, "missing echostr");
        }
        log.info("Answered WeChat's server URL check");
        return HttpReply.text(200, echostr);
    }

    private HttpReply take(HttpCall call) throws Refused {
        WechatXml message = safeMode(call) ? decrypted(call) : plain(call);
        String type = required(message, "MsgType");
        return switch (type) {
            case "text" -> deliver(text(message));
            case "event" -> event(message);
            default -> ignored(type, message);
        };
    }

    // --- verification

    private void checkSignature(HttpCall call) throws Refused {
        String signature = call.queryParam("signature");
        String timestamp = call.queryParam("timestamp");
        String nonce = call.queryParam("nonce");
        if (blank(signature) || blank(timestamp) || blank(nonce)) {
            throw new Refused(403, "bad signature");
        }
        if (!WechatSignature.matches(signature, settings.token(), timestamp, nonce)) {
            throw new Refused(403, "bad signature");
        }
        if (!SECONDS.matcher(timestamp).matches()) {
            throw new Refused(403, "bad timestamp");
        }
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw new Refused(403, "stale timestamp");
        }
    }

    private static boolean safeMode(HttpCall call) throws Refused {
        String encryptType = call.queryParam("encrypt_type");
        if (encryptType == null || encryptType.isEmpty() || "raw".equalsIgnoreCase(encryptType)) {
            return false;
        }
        if ("aes".equalsIgnoreCase(encryptType)) {
            return true;
        }
        throw new Refused(400, "unknown encrypt_type");
    }

    private WechatXml plain(HttpCall call) throws Refused {
        if (crypto != null) {
            throw new Refused(403, "plain message refused: safe mode is configured");
        }
        return parse(call.body());
    }

    private WechatXml decrypted(HttpCall call) throws Refused {
        if (crypto == null) {
            throw new Refused(400, "encrypted message, but no EncodingAESKey is configured");
        }
        String msgSignature = call.queryParam("msg_signature");
        if (blank(msgSignature)) {
            throw new Refused(403, "bad msg_signature");
        }
        String encrypt = required(parse(call.body()), "Encrypt");
        if (!WechatSignature.matches(msgSignature, settings.token(), call.queryParam("timestamp"),
                call.queryParam("nonce"), encrypt)) {
            throw new Refused(403, "bad msg_signature");
        }
        WechatCrypto.Opened opened;
        try {
            opened = crypto.decrypt(encrypt);
        } catch (WechatCrypto.UnreadableException e) {
            throw new Refused(400, "cannot decrypt Encrypt: " + e.getMessage());
        }
        if (!settings.appId().equals(opened.appId())) {
            throw new Refused(403, "message for another AppID");
        }
        return parse(opened.message());
    }

    private static WechatXml parse(byte[] body) throws Refused {
        try {
            return WechatXml.parse(body);
        } catch (WechatXml.MalformedException e) {
            throw new Refused(400, "malformed XML: " + e.getMessage());
        }
    }

    private static WechatXml parse(String text) throws Refused {
        try {
            return WechatXml.parse(text);
        } catch (WechatXml.MalformedException e) {
            throw new Refused(400, "malformed XML: " + e.getMessage());
        }
    }

    // --- messages

    private InboundMessage text(WechatXml message) throws Refused {
        Address from = follower(message);
        String msgId = required(message, "MsgId");
        String content = message.raw("Content");
        if (content == null) {
            throw new Refused(400, "missing Content");
        }
        return new InboundMessage(CHANNEL, msgId, from, content, clock.instant());
    }

    private HttpReply event(WechatXml message) throws Refused {
        String event = required(message, "Event").toLowerCase(Locale.ROOT);
        return switch (event) {
            case "subscribe" -> deliver(eventMessage(message, subscribeBody(message.get("EventKey"))));
            case "unsubscribe" -> deliver(eventMessage(message, "/stop"));
            case "scan" -> scan(message);
            default -> ignored("event " + event, message);
        };
    }

    /**
     * A follower scanned a parametric QR code: a scene that is an invite code (eight digits, or six from before, without
     * a prefix for someone who already follows) binds like {@code /start <code>}; other scans are ignored.
     */
    private HttpReply scan(WechatXml message) throws Refused {
        String code = message.get("EventKey") == null ? "" : message.get("EventKey").strip();
        return INVITE_CODE.matcher(code).matches() ? deliver(eventMessage(message, "/start " + code))
                : ignored("event scan without an invite code", message);
    }

    /** {@code /start}, or {@code /start <code>} when a parametric QR code ({@code qrscene_<code>}) was scanned. */
    private static String subscribeBody(String eventKey) {
        if (eventKey != null && eventKey.startsWith(SCENE_PREFIX)) {
            String code = eventKey.substring(SCENE_PREFIX.length()).strip();
            return code.isEmpty() ? "/start" : "/start " + code;
        }
        return "/start";
    }

    private InboundMessage eventMessage(WechatXml message, String body) throws Refused {
        Address from = follower(message);
        String createTime = required(message, "CreateTime");
        if (!DIGITS.matcher(createTime).matches()) {
            throw new Refused(400, "CreateTime is not a number");
        }
        return new InboundMessage(CHANNEL, "event:" + from.id() + ":" + createTime, from, body, clock.instant());
    }

    private static Address follower(WechatXml message) throws Refused {
        String openid = required(message, "FromUserName");
        if (!OPENID.matcher(openid).matches()) {
            throw new Refused(400, "FromUserName is not an openid");
        }
        return new Address(CHANNEL + ":" + openid);
    }

    private HttpReply deliver(InboundMessage message) {
        try {
            sink.accept(message);
        } catch (InboundInProgressException busy) {
            log.warn("WeChat message {} from {} is still being acted on by another try: asking WeChat to retry",
                    message.providerId().replace(message.from().id(), message.from().masked()), message.from().masked());
            return HttpReply.text(503, "busy: an earlier try of this message is still at work, try again in "
                    + busy.retryAfter().toSeconds() + " s");
        } catch (RuntimeException e) {
            log.error("Could not act on WeChat message {} from {}, asking WeChat to retry: {}: {}",
                    message.providerId().replace(message.from().id(), message.from().masked()),
                    message.from().masked(), e.getClass().getName(), e.getMessage());
            return HttpReply.text(500, "try again");
        }
        log.info("Took WeChat message {} from {}", message.providerId().replace(message.from().id(),
                message.from().masked()), message.from().masked());
        return HttpReply.text(200, SUCCESS);
    }

    private static HttpReply ignored(String what, WechatXml message) {
        String from = message.get("FromUserName");
        String who = from != null && OPENID.matcher(from).matches() ? new Address(CHANNEL + ":" + from).masked() : "?";
        log.info("Ignored WeChat {} from {}", WORD.matcher(what).matches() ? what : "message of another kind", who);
        return HttpReply.text(200, SUCCESS);
    }

    private static String required(WechatXml message, String field) throws Refused {
        String value = message.get(field);
        if (value == null) {
            throw new Refused(400, "missing " + field);
        }
        return value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
