package org.shouhu.gateway.channel.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.SendFailedException;

/**
 * Turns what went wrong in a Twilio API call into a {@link SendFailedException}: whether to retry, the code to
 * record, and whether the recipient opted out.
 *
 * <p>Transient: HTTP 5xx and 429, Twilio codes 20429 (too many requests; with HTTP 429, a throttle, which is not
 * counted as an attempt) and 30003 (handset unreachable), timeouts
 * ({@code timeout}) and failed connections ({@code connection}). Permanent: 21211 (invalid To), 21610 (recipient
 * replied STOP; also opts out), 21614 (not a mobile number), 30005 (unknown number), 30006 (landline or unreachable
 * carrier), and any other 4xx. A listed Twilio code decides over the HTTP status. A 2xx whose body could not be
 * read is permanent: Twilio took that message, and sending it again would deliver it twice.
 */
final class TwilioFailureClassifier {

    static final String TIMEOUT = "timeout";
    static final String CONNECTION = "connection";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> TRANSIENT_CODES = Set.of(20429, 30003);
    private static final Set<Integer> PERMANENT_CODES = Set.of(21211, 21610, 21614, 30005, 30006);
    private static final int OPTED_OUT = 21610;
    private static final int THROTTLED = 20429;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final Pattern PHONE_LIKE = Pattern.compile("\\+?\\d{7,15}");

    /**
     * Twilio answered, but not with a message it took: an error status, or a 2xx we could not read.
     *
     * @param answer what Twilio sent; an error body is {@code {"code":…,"message":…,"status":…}} when there is one
     * @param now    the time, for a {@code Retry-After} date
     */
    SendFailedException refused(TwilioApiClient.Answer answer, Instant now) {
        JsonNode error = errorBody(answer.body());
        Integer twilioCode = error != null && error.path("code").canConvertToInt() ? error.path("code").intValue() : null;
        String message = error != null && error.path("message").isTextual() ? error.path("message").textValue()
                : answer.ok() ? "its answer could not be read" : "no error body";
        int httpStatus = answer.status();
        boolean retry = isTransient(twilioCode, httpStatus);
        String code = twilioCode != null ? twilioCode.toString() : "http-" + httpStatus;
        Duration retryAfter = retry ? RetryAfter.parse(answer.retryAfter(), now) : null;
        String reason = "Twilio " + code + " (HTTP " + httpStatus + "): " + withNumbersMasked(message);
        boolean optedOut = twilioCode != null && twilioCode == OPTED_OUT;
        boolean throttled = retry && (Integer.valueOf(THROTTLED).equals(twilioCode) || httpStatus == TOO_MANY_REQUESTS);
        return throttled ? SendFailedException.throttled(code, reason, retryAfter)
                : new SendFailedException(code, reason, retry, optedOut, retryAfter);
    }

    /** No answer came: a timeout (the call deadline included) or a connection that failed; both are retried. */
    SendFailedException unreachable(IOException io) {
        if (io instanceof InterruptedIOException) {
            return SendFailedException.transientFailure(TIMEOUT, "Twilio did not answer in time: " + io.getClass().getSimpleName());
        }
        return SendFailedException.transientFailure(CONNECTION, "could not reach Twilio: " + io.getClass().getSimpleName());
    }

    private static JsonNode errorBody(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isTransient(Integer twilioCode, int httpStatus) {
        if (twilioCode != null && TRANSIENT_CODES.contains(twilioCode)) {
            return true;
        }
        if (twilioCode != null && PERMANENT_CODES.contains(twilioCode)) {
            return false;
        }
        return httpStatus >= 500 || httpStatus == TOO_MANY_REQUESTS;
    }

    /** Twilio's messages quote the number ("The 'To' number +86… is not valid"); reasons end up in logs and stores. */
    private static String withNumbersMasked(String message) {
        if (message == null) {
            return "";
        }
        Matcher matcher = PHONE_LIKE.matcher(message);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(Phone.mask(matcher.group())));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
