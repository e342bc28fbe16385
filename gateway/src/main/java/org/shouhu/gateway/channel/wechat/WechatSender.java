package org.shouhu.gateway.channel.wechat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends text to a follower of the Official Account ({@code wechat:<openid>}): as a customer-service message (客服消息)
 * while the follower wrote to us in the last 48 hours, else as a template message (模板消息) when a template is
 * configured.
 *
 * <p>WeChat answers HTTP 200 with an {@code errcode}; this is how each is read:
 * <ul>
 *   <li>0 — taken: {@code cs:<our message id>} (WeChat gives customer-service messages no id) or
 *       {@code tpl:<msgid>}, status {@code sent}.</li>
 *   <li>40001, 42001, 40014 — the access token is invalid or expired: it is fetched again and the call repeated once;
 *       the same answer again is transient.</li>
 *   <li>45015 (no message from the follower for 48 hours), 45047 (too many customer-service messages without a
 *       reply) — the template message is tried; with no template configured the message fails for good.</li>
 *   <li>43004 (not following), 43019 (blacklisted), 43101 (refused template messages), 40003 (invalid openid) — the
 *       follower cannot be reached here: {@link SendFailedException#unreachable}, so the message may go by SMS.</li>
 *   <li>-1 (system busy), 45009 (API quota; with HTTP 429 a throttle, not counted as an attempt), HTTP 5xx and
 *       429, timeouts, failed connections, no access token —
 *       transient: the outbox tries again later.</li>
 *   <li>any other errcode or HTTP status — permanent, with the errcode as the code. So is a 2xx that cannot be read:
 *       WeChat may have taken that message, and sending it again could deliver it twice.</li>
 * </ul>
 *
 * <p>Logs show the openid masked; never the text, the access token or the AppSecret.
 */
public final class WechatSender implements ChannelSender {

    /** The address channel this sender serves ({@code wechat:<openid>}). */
    public static final String CHANNEL = "wechat";

    static final String CUSTOM_SEND = "/cgi-bin/message/custom/send";
    static final String TEMPLATE_SEND = "/cgi-bin/message/template/send";

    private static final Logger log = LoggerFactory.getLogger(WechatSender.class);

    private static final Set<Integer> TOKEN_REJECTED = Set.of(40001, 42001, 40014);
    private static final Set<Integer> OUTSIDE_WINDOW = Set.of(45015, 45047);
    private static final Set<Integer> UNREACHABLE = Set.of(43004, 43019, 43101, 40003);
    private static final Set<Integer> TRANSIENT = Set.of(-1, 45009);
    /** The API's call quota is used up: a throttle, not counted as an attempt. */
    private static final int QUOTA = 45009;

    private final WechatSettings settings;
    private final WechatApi api;
    private final WechatAccessToken tokens;

    /** A sender with WeChat's default timeouts (5 s to connect, 10 s to answer) and the system clock. */
    public WechatSender(WechatSettings settings) {
        this(settings, WechatApi.DEFAULT_CONNECT_TIMEOUT, WechatApi.DEFAULT_READ_TIMEOUT, Clock.systemUTC());
    }

    /** A sender with its own API client and token; the clock dates the token's expiry. */
    public WechatSender(WechatSettings settings, Duration connectTimeout, Duration readTimeout, Clock clock) {
        this(settings, new WechatApi(settings.apiUrl(), connectTimeout, readTimeout), clock);
    }

    private WechatSender(WechatSettings settings, WechatApi api, Clock clock) {
        this(settings, api, new WechatAccessToken(settings, api, clock));
    }

    /** A sender over a shared API client and access token. */
    public WechatSender(WechatSettings settings, WechatApi api, WechatAccessToken tokens) {
        this.settings = settings;
        this.api = api;
        this.tokens = tokens;
    }

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        return send(to, text, messageId, null);
    }

    /** Outside the 48-hour window the template message configured for this notice kind is used. */
    @Override
    public SendReceipt send(RenderedMessage message) throws SendFailedException {
        return send(message.to(), message.text(), message.id(), message.template());
    }

    private SendReceipt send(Address to, String text, String messageId, TemplateKey notice) throws SendFailedException {
        String templateId = settings.templateFor(notice == null ? "*" : notice.name());
        if (!CHANNEL.equals(to.channel())) {
            throw SendFailedException.permanent("wrong-channel", "the wechat sender cannot reach a " + to.channel()
                    + " address");
        }
        String openid = to.id();
        JsonNode answer = call(CUSTOM_SEND, customerServiceMessage(openid, text), to, messageId);
        int errcode = errcode(answer, to, messageId);
        if (errcode == 0) {
            return taken(to, messageId, "cs:" + messageId);
        }
        if (OUTSIDE_WINDOW.contains(errcode)) {
            return sendTemplate(to, text, messageId, errcode, templateId);
        }
        throw refused(answer, errcode, to, messageId);
    }

    private SendReceipt sendTemplate(Address to, String text, String messageId, int csErrcode, String templateId)
            throws SendFailedException {
        if (templateId == null) {
            SendFailedException failure = SendFailedException.permanent(String.valueOf(csErrcode),
                    "outside the 48-hour customer-service window (" + csErrcode + ") and no template is configured");
            logRefusal(to, messageId, failure);
            throw failure;
        }
        log.info("WeChat message {} for {} is outside the customer-service window ({}); sending the template",
                messageId, to.masked(), csErrcode);
        JsonNode answer = call(TEMPLATE_SEND, templateMessage(to.id(), text, templateId), to, messageId);
        int errcode = errcode(answer, to, messageId);
        if (errcode == 0) {
            String msgid = answer.path("msgid").asText("");
            return taken(to, messageId, "tpl:" + (msgid.isEmpty() ? messageId : msgid));
        }
        throw refused(answer, errcode, to, messageId);
    }

    /** Calls the API with the access token, and once more with a new one when WeChat rejects the token. */
    private JsonNode call(String path, ObjectNode body, Address to, String messageId) throws SendFailedException {
        String token = token(to, messageId);
        JsonNode answer = post(path, token, body, to, messageId);
        int errcode = answer.path("errcode").asInt(0);
        if (TOKEN_REJECTED.contains(errcode)) {
            log.info("WeChat rejected the access token ({}); fetching a new one for message {}", errcode, messageId);
            tokens.invalidate(token);
            answer = post(path, token(to, messageId), body, to, messageId);
        }
        return answer;
    }

    private String token(Address to, String messageId) throws SendFailedException {
        try {
            return tokens.get();
        } catch (WechatApiException e) {
            SendFailedException failure = SendFailedException.transientFailure(e.code(),
                    "no WeChat access token: " + e.getMessage());
            logRefusal(to, messageId, failure);
            throw failure;
        }
    }

    private JsonNode post(String path, String token, ObjectNode body, Address to, String messageId)
            throws SendFailedException {
        try {
            return api.post(path, Map.of("access_token", token), body);
        } catch (WechatApiException e) {
            SendFailedException failure = "http-429".equals(e.code())
                    ? SendFailedException.throttled(e.code(), e.getMessage(), null)
                    : e.isTransient() ? SendFailedException.transientFailure(e.code(), e.getMessage())
                    : SendFailedException.permanent(e.code(), e.getMessage());
            logRefusal(to, messageId, failure);
            throw failure;
        }
    }

    /** The errcode of an answer; an answer without one cannot be read (and may have been taken: permanent). */
    private static int errcode(JsonNode answer, Address to, String messageId) throws SendFailedException {
        JsonNode errcode = answer.get("errcode");
        if (errcode == null || !errcode.canConvertToInt()) {
            SendFailedException failure = SendFailedException.permanent(WechatApi.UNREADABLE,
                    "WeChat's answer has no errcode");
            logRefusal(to, messageId, failure);
            throw failure;
        }
        return errcode.asInt();
    }

    private SendFailedException refused(JsonNode answer, int errcode, Address to, String messageId) {
        String code = String.valueOf(errcode);
        String reason = "WeChat errcode " + errcode + ": " + answer.path("errmsg").asText("")
                .replace(to.id(), to.masked());
        SendFailedException failure;
        if (UNREACHABLE.contains(errcode)) {
            failure = SendFailedException.unreachable(code, reason);
        } else if (errcode == QUOTA) {
            failure = SendFailedException.throttled(code, reason, null);
        } else if (TRANSIENT.contains(errcode) || TOKEN_REJECTED.contains(errcode)) {
            failure = SendFailedException.transientFailure(code, reason);
        } else {
            failure = SendFailedException.permanent(code, reason);
        }
        logRefusal(to, messageId, failure);
        return failure;
    }

    private static SendReceipt taken(Address to, String messageId, String providerId) {
        log.info("WeChat took message {} for {} as {}", messageId, to.masked(), providerId);
        return new SendReceipt(providerId, DeliveryStatus.SENT);
    }

    private static void logRefusal(Address to, String messageId, SendFailedException failure) {
        log.warn("WeChat refused message {} for {}: {} ({})", messageId, to.masked(), failure.code(),
                failure.isTransient() ? "will retry" : failure.recipientUnreachable() ? "follower unreachable"
                        : "permanent");
    }

    private static ObjectNode customerServiceMessage(String openid, String text) {
        ObjectNode message = WechatApi.object();
        message.put("touser", openid);
        message.put("msgtype", "text");
        message.putObject("text").put("content", text);
        return message;
    }

    private ObjectNode templateMessage(String openid, String text, String templateId) {
        ObjectNode message = WechatApi.object();
        message.put("touser", openid);
        message.put("template_id", templateId);
        message.putObject("data").putObject("content").put("value", text);
        return message;
    }
}
