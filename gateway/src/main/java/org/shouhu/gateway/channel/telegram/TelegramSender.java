package org.shouhu.gateway.channel.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends text to {@code telegram:{chat_id}} addresses with the Bot API's {@code sendMessage}, once per call, and sorts
 * Telegram's refusals into transient, permanent and unreachable (see {@link TelegramFailures}).
 *
 * <p>The text goes as plain text (no {@code parse_mode}), exactly as rendered. The receipt's provider id is
 * {@code chat_id:message_id}, since a {@code message_id} is only unique within its chat; Telegram sends no delivery
 * reports for bots, so {@link DeliveryStatus#SENT} is the last status such a message gets.
 *
 * <p>The token is part of every request URL, so neither the URL nor the JDK's exception messages are logged; logs
 * show our message id, the chat masked and the outcome, never the text.
 */
public final class TelegramSender implements ChannelSender {

    /** How long to wait for a connection to the Bot API. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for the Bot API's answer once the request is sent. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest one call may take in all. The JDK client's request timeout stops once the headers are in, so a
     * Bot API that trickles its body would otherwise hold the sending thread for as long as it likes.
     */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(TelegramSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI sendMessage;
    private final Duration readTimeout;
    private final Duration callDeadline;
    private final HttpClient http;

    /** A sender with the default timeouts (5 s to connect, 10 s for the answer, 10 s for the whole call). */
    public TelegramSender(TelegramSettings settings) {
        this(settings, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    public TelegramSender(TelegramSettings settings, Duration connectTimeout, Duration readTimeout) {
        this(settings, connectTimeout, readTimeout, DEFAULT_CALL_DEADLINE);
    }

    /** @param callDeadline the longest a call may take in all, however its answer trickles in */
    public TelegramSender(TelegramSettings settings, Duration connectTimeout, Duration readTimeout,
                          Duration callDeadline) {
        this.sendMessage = URI.create(settings.methodUrl("sendMessage"));
        this.readTimeout = readTimeout;
        this.callDeadline = callDeadline;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String channel() {
        return TelegramWebhookEndpoint.CHANNEL;
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        if (!channel().equals(to.channel())) {
            throw SendFailedException.permanent("wrong-channel", "the telegram sender cannot reach a "
                    + to.channel() + " address");
        }
        long chatId = chatId(to);
        try {
            SendReceipt receipt = post(chatId, text);
            log.info("Telegram took message {} for {} ({})", messageId, to.masked(), receipt.status().word());
            return receipt;
        } catch (SendFailedException failure) {
            log.warn("Could not send message {} to {} over Telegram: {} ({}) {}", messageId, to.masked(), failure.code(),
                    failure.recipientUnreachable() ? "unreachable on Telegram"
                            : failure.isTransient() ? "will retry" : "permanent",
                    failure.getMessage());
            throw failure;
        }
    }

    private SendReceipt post(long chatId, String text) throws SendFailedException {
        HttpRequest request = HttpRequest.newBuilder(sendMessage)
                .timeout(readTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(chatId, text)))
                .build();
        HttpResponse<byte[]> response;
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            response = call.get(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw TelegramFailures.fromIo(new java.net.http.HttpTimeoutException("call deadline"));
        } catch (ExecutionException e) {
            throw TelegramFailures.fromIo(e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw TelegramFailures.interrupted();
        }
        JsonNode answer = json(response.body());
        if (response.statusCode() == 200 && answer != null && answer.path("ok").asBoolean(false)) {
            JsonNode sentId = answer.path("result").path("message_id");
            if (sentId.isIntegralNumber()) {
                return new SendReceipt(chatId + ":" + sentId.asText(), DeliveryStatus.SENT);
            }
        }
        throw TelegramFailures.fromAnswer(response.statusCode(), answer);
    }

    /** {@code {"chat_id": 5839124067, "text": "…"}}, UTF-8 as JSON is. */
    private static byte[] body(long chatId, String text) {
        ObjectNode body = JSON.createObjectNode();
        body.put("chat_id", chatId);
        body.put("text", text);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of a number and a string always serialises", e);
        }
    }

    private static long chatId(Address to) throws SendFailedException {
        try {
            return Long.parseLong(to.id());
        } catch (NumberFormatException e) {
            throw SendFailedException.permanent("bad-address", "a Telegram address is telegram:{chat_id} with a "
                    + "numeric chat id, not " + to.masked());
        }
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null || node.isMissingNode() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }
}
