package org.shouhu.gateway.channel.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import org.shouhu.routes.port.SendFailedException;

/**
 * Turns a Bot API answer that is not a sent message, or a call that got no answer, into a
 * {@link SendFailedException}: whether to retry, the code to record, and whether the person is out of reach on
 * Telegram.
 *
 * <ul>
 *   <li>429 ({@code Too Many Requests: retry after N}): transient, code {@code 429}, wait {@code parameters.retry_after}
 *       seconds; a throttle, not counted as an attempt.</li>
 *   <li>403 ({@code Forbidden: bot was blocked by the user}, {@code user is deactivated}, {@code bot can't initiate
 *       conversation with a user}): unreachable, code {@code 403}; the person is reached another way.</li>
 *   <li>400 {@code Bad Request: chat not found}: unreachable, code {@code 400} (the chat is gone or was never
 *       opened). Any other 400 ({@code message is too long}…): permanent, code {@code 400}; sending the same text again
 *       would fail the same way.</li>
 *   <li>5xx: transient, {@code http-502} and so on. Other statuses (401 and 404 mean a wrong token): permanent,
 *       {@code http-401}…</li>
 *   <li>A 2xx whose body is not {@code ok} with a {@code message_id}: permanent, {@code http-200}. Telegram may have
 *       delivered it, and sending it again could deliver it twice.</li>
 *   <li>No answer in time: transient {@code timeout}; no connection (refused, reset, DNS): transient
 *       {@code connection}.</li>
 * </ul>
 *
 * <p>Reasons quote Telegram's {@code description} (its words for the error, never the text we sent) and otherwise
 * name only the exception's class: the JDK's messages could carry the request URL, and the URL carries the token.
 */
final class TelegramFailures {

    static final String TIMEOUT = "timeout";
    static final String CONNECTION = "connection";
    static final String INTERRUPTED = "interrupted";

    private static final int MAX_DESCRIPTION = 200;

    private TelegramFailures() {
    }

    /**
     * @param status the HTTP status Telegram answered with
     * @param answer its body as JSON, or null when it was not JSON (a proxy's HTML page)
     */
    static SendFailedException fromAnswer(int status, JsonNode answer) {
        String description = description(answer);
        String reason = "Telegram " + status + (description == null ? " (no description)" : ": " + description);
        if (status >= 200 && status < 300) {
            return SendFailedException.permanent("http-" + status, "Telegram answered " + status
                    + " without a sent message" + (description == null ? "" : ": " + description));
        }
        if (status == 429) {
            return SendFailedException.throttled("429", reason, retryAfter(answer));
        }
        if (status == 403) {
            return SendFailedException.unreachable("403", reason);
        }
        if (status == 400) {
            boolean chatGone = description != null && description.toLowerCase(Locale.ROOT).contains("chat not found");
            return chatGone ? SendFailedException.unreachable("400", reason) : SendFailedException.permanent("400", reason);
        }
        if (status >= 500) {
            return SendFailedException.transientFailure("http-" + status, reason);
        }
        return SendFailedException.permanent("http-" + status, reason);
    }

    /** A call that got no HTTP answer. */
    static SendFailedException fromIo(IOException failure) {
        if (failure instanceof HttpTimeoutException) {
            return SendFailedException.transientFailure(TIMEOUT,
                    "Telegram did not answer in time: " + failure.getClass().getSimpleName());
        }
        return SendFailedException.transientFailure(CONNECTION,
                "could not reach Telegram: " + failure.getClass().getSimpleName());
    }

    /** The sending thread was interrupted (the node is stopping); Telegram may or may not have the message. */
    static SendFailedException interrupted() {
        return SendFailedException.transientFailure(INTERRUPTED, "interrupted while waiting for Telegram");
    }

    private static Duration retryAfter(JsonNode answer) {
        JsonNode seconds = answer == null ? null : answer.path("parameters").get("retry_after");
        if (seconds == null || !seconds.canConvertToLong() || !seconds.isIntegralNumber() || seconds.asLong() < 0) {
            return null;
        }
        return Duration.ofSeconds(seconds.asLong());
    }

    /** Telegram's {@code description}, on one line and clipped, or null. */
    private static String description(JsonNode answer) {
        JsonNode description = answer == null ? null : answer.get("description");
        if (description == null || !description.isTextual() || description.asText().isBlank()) {
            return null;
        }
        String oneLine = description.asText().replaceAll("\\p{Cntrl}", " ").strip();
        return oneLine.length() > MAX_DESCRIPTION ? oneLine.substring(0, MAX_DESCRIPTION) + "…" : oneLine;
    }
}
