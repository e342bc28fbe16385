package org.shouhu.gateway.channel.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.Response;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.core5.http.Header;
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
 * carrier), and any other 4xx. A listed Twilio code decides over the HTTP status. A failure with neither an HTTP
 * answer nor an I/O cause is a local fault (bad settings) and permanent, as is a 2xx whose body could not be read:
 * Twilio took that message, and sending it again would deliver it twice.
 */
final class TwilioFailureClassifier {

    static final String TIMEOUT = "timeout";
    static final String CONNECTION = "connection";

    private static final Set<Integer> TRANSIENT_CODES = Set.of(20429, 30003);
    private static final Set<Integer> PERMANENT_CODES = Set.of(21211, 21610, 21614, 30005, 30006);
    private static final int OPTED_OUT = 21610;
    private static final int THROTTLED = 20429;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final Pattern PHONE_LIKE = Pattern.compile("\\+?\\d{7,15}");

    /**
     * @param failure  what the SDK threw
     * @param response the HTTP answer it was reading, or null when none came; when there is one, the failure is
     *                 read from it even if the SDK threw an I/O-looking exception (Jackson's, on an empty body)
     * @param now      the time, for a {@code Retry-After} date
     */
    SendFailedException classify(RuntimeException failure, Response response, Instant now) {
        if (response == null) {
            IOException io = ioCause(failure);
            if (io != null || failure instanceof ApiConnectionException) {
                return unreachable(io);
            }
        }
        Integer twilioCode = failure instanceof ApiException api ? api.getCode() : null;
        Integer httpStatus = response != null ? Integer.valueOf(response.getStatusCode()) : statusOf(failure);
        boolean retry = isTransient(twilioCode, httpStatus);
        String code = twilioCode != null ? twilioCode.toString() : httpStatus != null ? "http-" + httpStatus : "error";
        Duration retryAfter = retry && response != null ? RetryAfter.parse(header(response, "Retry-After"), now) : null;
        String reason = "Twilio " + code + (httpStatus != null ? " (HTTP " + httpStatus + ")" : "") + ": "
                + withNumbersMasked(failure.getMessage());
        boolean optedOut = twilioCode != null && twilioCode == OPTED_OUT;
        boolean throttled = retry && (Integer.valueOf(THROTTLED).equals(twilioCode)
                || Integer.valueOf(TOO_MANY_REQUESTS).equals(httpStatus));
        return throttled ? SendFailedException.throttled(code, reason, retryAfter)
                : new SendFailedException(code, reason, retry, optedOut, retryAfter);
    }

    private static SendFailedException unreachable(IOException io) {
        if (io instanceof InterruptedIOException) {
            return SendFailedException.transientFailure(TIMEOUT, "Twilio did not answer in time: " + io.getClass().getSimpleName());
        }
        String what = io == null ? "no answer" : io.getClass().getSimpleName();
        return SendFailedException.transientFailure(CONNECTION, "could not reach Twilio: " + what);
    }

    private static boolean isTransient(Integer twilioCode, Integer httpStatus) {
        if (twilioCode != null && TRANSIENT_CODES.contains(twilioCode)) {
            return true;
        }
        if (twilioCode != null && PERMANENT_CODES.contains(twilioCode)) {
            return false;
        }
        return httpStatus != null && (httpStatus >= 500 || httpStatus == TOO_MANY_REQUESTS);
    }

    private static Integer statusOf(RuntimeException failure) {
        return failure instanceof ApiException api ? api.getStatusCode() : null;
    }

    private static IOException ioCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private static String header(Response response, String name) {
        Header[] headers = response.getHeaders();
        if (headers == null) {
            return null;
        }
        for (Header header : headers) {
            if (header.getName().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
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
