package org.shouhu.gateway.channel.telegram;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
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
 * Telegram's webhook ({@code POST /telegram}): checks the secret token, hands a text message from a private chat to
 * the {@link InboundSink}, and answers 200 with an empty body, since replies go out through the outbox.
 *
 * <p>Checks in this order: POST (else 405); the header {@value #SECRET_HEADER} equal to our secret, compared in
 * constant time (else 403); a JSON object with an integer {@code update_id} (else 400 with the reason), and for a
 * private text message an integer {@code message.chat.id} (else 400). Every other kind of update — an edited
 * message, a channel post, a button press, a sticker or photo without text, anything from a group or supergroup — is
 * answered 200 and dropped, so Telegram does not send it again.
 *
 * <p>Telegram sends an update again until it gets a 2xx, so the same {@code update_id} can arrive twice; this
 * endpoint passes every verified update on and the sink acts once per provider id. When the sink throws, the answer
 * is 500 so Telegram tries again.
 */
public final class TelegramWebhookEndpoint implements HttpEndpoint {

    /** Where Telegram posts updates (the {@code url} given to setWebhook is our public URL plus this). */
    public static final String PATH = "/telegram";
    /** The channel name inbound messages from Telegram carry; also the prefix of their addresses. */
    public static final String CHANNEL = "telegram";
    /** The header in which Telegram sends back the {@code secret_token} of setWebhook. */
    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private static final Logger log = LoggerFactory.getLogger(TelegramWebhookEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final byte[] secretDigest;
    private final InboundSink sink;
    private final Clock clock;

    public TelegramWebhookEndpoint(TelegramSettings settings, InboundSink sink, Clock clock) {
        this.secretDigest = sha256(settings.webhookSecret());
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        if (!"POST".equals(call.method())) {
            return HttpReply.text(405, "method not allowed: use POST");
        }
        if (!hasOurSecret(call)) {
            log.warn("Refused Telegram webhook: {}", call.header(SECRET_HEADER) == null
                    ? "no secret token" : "secret token does not match");
            return HttpReply.text(403, "bad secret token");
        }
        JsonNode update;
        try {
            update = JSON.readTree(call.body());
        } catch (JsonProcessingException e) {
            return refuse("body is not JSON");
        } catch (IOException e) {
            return refuse("body could not be read as JSON");
        }
        if (update == null || update.isMissingNode()) {
            return refuse("body is not JSON");
        }
        if (!update.isObject()) {
            return refuse("body is not a JSON object");
        }
        JsonNode updateId = update.get("update_id");
        if (updateId == null || updateId.isNull()) {
            return refuse("missing update_id");
        }
        if (!updateId.isIntegralNumber()) {
            return refuse("update_id is not a whole number");
        }
        return handle(updateId.asText(), update);
    }

    private HttpReply handle(String updateId, JsonNode update) {
        JsonNode message = update.get("message");
        if (message == null || !message.isObject()) {
            return ignore(updateId, kind(update) + " update");
        }
        JsonNode chat = message.path("chat");
        String chatType = chat.path("type").asText("");
        if (!"private".equals(chatType)) {
            return ignore(updateId, "a message in a " + (chatType.isEmpty() ? "chat of no type" : chatType + " chat"));
        }
        JsonNode text = message.get("text");
        if (text == null || !text.isTextual()) {
            return ignore(updateId, "a private message without text");
        }
        JsonNode chatId = chat.get("id");
        if (chatId == null || !chatId.isIntegralNumber()) {
            return refuse("message.chat.id is not a number");
        }
        Address from = new Address(CHANNEL + ":" + chatId.asText());
        return deliver(new InboundMessage(CHANNEL, updateId, from, text.asText(), clock.instant()));
    }

    private HttpReply deliver(InboundMessage message) {
        try {
            sink.accept(message);
        } catch (InboundInProgressException busy) {
            log.warn("Telegram message {} from {} is still being acted on by another try: asking Telegram to retry",
                    message.providerId().replace(message.from().id(), message.from().masked()), message.from().masked());
            return HttpReply.text(503, "busy: an earlier try of this message is still at work, try again in "
                    + busy.retryAfter().toSeconds() + " s");
        } catch (RuntimeException e) {
            log.error("Could not act on Telegram update {} from {}, asking Telegram to retry: {}: {}",
                    message.providerId(), message.from().masked(), e.getClass().getName(), e.getMessage());
            return HttpReply.text(500, "try again");
        }
        log.info("Took Telegram update {} from {}", message.providerId(), message.from().masked());
        return ok();
    }

    private static HttpReply ignore(String updateId, String what) {
        log.debug("Ignored Telegram update {}: {}", updateId, what);
        return ok();
    }

    private static HttpReply refuse(String reason) {
        log.info("Refused Telegram webhook: {}", reason);
        return HttpReply.text(400, reason);
    }

    /**
     * An empty 200. Telegram reads a webhook answer's body as a Bot API call when it names a method; an empty body
     * cannot be one.
     */
    private static HttpReply ok() {
        return HttpReply.text(200, "");
    }

    /** The first field of an update besides {@code update_id}: {@code edited_message}, {@code callback_query}… */
    private static String kind(JsonNode update) {
        for (var names = update.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"update_id".equals(name)) {
                return name;
            }
        }
        return "empty";
    }

    /**
     * Whether the call carries our secret. Both sides are hashed first, so the comparison takes the same time
     * whatever the header holds, its length included.
     */
    private boolean hasOurSecret(HttpCall call) {
        String given = call.header(SECRET_HEADER);
        return given != null && MessageDigest.isEqual(secretDigest, sha256(given));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
