package org.shouhu.gateway.channel.aliyun;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.SendFailedException;

/**
 * Turns Aliyun's refusal of a SendSms call into a {@link SendFailedException}, as {@code TwilioFailureClassifier}
 * does for Twilio, so the outbox's existing handling applies (retry with backoff, give up by age, a safety message's
 * captain told when it is given up).
 *
 * <ul>
 *   <li><b>Per-recipient flow control</b> ({@code isv.BUSINESS_LIMIT_CONTROL}: the number's minute/hour/day cap;
 *       {@code isv.DAY_LIMIT_CONTROL}): {@link SendFailedException#recipientLimited}: the message goes at once to
 *       the guardian's bound chat account when they have one (the outbox's {@code SendFailures}), otherwise it
 *       waits ({@link #RECIPIENT_WAIT}, {@link #DAY_LIMIT_WAIT}, clamped by the outbox to 10 min), counted as an
 *       attempt; not a throttle, since only this one number is held back and slowing the whole sender would hold
 *       back everyone else's.</li>
 *   <li><b>Throttling</b> of the account ({@code Throttling}, {@code Throttling.User}, {@code Throttling.Api}…, or
 *       HTTP 429): a throttle, not an attempt.</li>
 *   <li><b>Transient</b>: HTTP 5xx, {@code isp.SYSTEM_ERROR} and other {@code isp.*}, {@code ServiceUnavailable},
 *       an account out of credit or suspended ({@code isv.AMOUNT_NOT_ENOUGH}, {@code isv.OUT_OF_SERVICE}: messages
 *       wait for someone to top it up, and the metrics show the code), timeouts and failed connections.</li>
 *   <li><b>Permanent</b>: an invalid number ({@code isv.MOBILE_NUMBER_ILLEGAL}), template and signature errors
 *       ({@code isv.SMS_TEMPLATE_ILLEGAL}, {@code isv.SMS_SIGNATURE_ILLEGAL}, {@code isv.TEMPLATE_MISSING_PARAMETERS},
 *       {@code isv.TEMPLATE_PARAMS_ILLEGAL}, {@code isv.PARAM_LENGTH_LIMIT}, {@code isv.INVALID_JSON_PARAM}…),
 *       blocked words, bad credentials ({@code InvalidAccessKeyId.NotFound}, {@code SignatureDoesNotMatch},
 *       {@code isp.RAM_PERMISSION_DENY}) and any other {@code isv.*} or 4xx: sending it again would fail again.</li>
 * </ul>
 */
final class AliyunFailureClassifier {

    static final String TIMEOUT = "timeout";
    static final String CONNECTION = "connection";
    /** How long a number under the minute/hour flow control waits before its message is tried again. */
    static final Duration RECIPIENT_WAIT = Duration.ofMinutes(2);
    /** A number at its day's limit: as long as the outbox allows (it clamps to 10 min). */
    static final Duration DAY_LIMIT_WAIT = Duration.ofMinutes(10);

    private static final Set<String> PER_RECIPIENT = Set.of("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL");
    private static final Set<String> TRANSIENT = Set.of("isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE",
            "ServiceUnavailable", "InternalError", "isp.SYSTEM_ERROR");
    private static final Set<String> PERMANENT_ISP = Set.of("isp.RAM_PERMISSION_DENY");

    /**
     * Aliyun answered with a code other than {@code OK}: in the body of a 200 ({@code isv.*}) or as an error status.
     *
     * @param code       Aliyun's code, or null when the answer had none
     * @param message    its message (numbers in it are masked here)
     * @param httpStatus the HTTP status, or 200 when the code came in a 200's body
     */
    SendFailedException refused(String code, String message, int httpStatus) {
        String recorded = code != null && !code.isBlank() ? code : "http-" + httpStatus;
        String reason = "Aliyun " + recorded + " (HTTP " + httpStatus + "): " + (message == null ? "" : Phone.maskNumbers(message));
        if (PER_RECIPIENT.contains(recorded)) {
            Duration wait = recorded.equals("isv.DAY_LIMIT_CONTROL") ? DAY_LIMIT_WAIT : RECIPIENT_WAIT;
            return SendFailedException.recipientLimited(recorded, reason, wait);
        }
        if (recorded.startsWith("Throttling") || httpStatus == 429) {
            return SendFailedException.throttled(recorded, reason, null);
        }
        boolean retry = TRANSIENT.contains(recorded)
                || recorded.startsWith("isp.") && !PERMANENT_ISP.contains(recorded)
                || !recorded.startsWith("isv.") && httpStatus >= 500;
        return retry ? SendFailedException.transientFailure(recorded, reason) : SendFailedException.permanent(recorded, reason);
    }

    /** No answer came: a timeout or a connection that failed; both are retried. */
    SendFailedException unreachable(IOException io) {
        if (io instanceof InterruptedIOException) {
            return SendFailedException.transientFailure(TIMEOUT, "Aliyun did not answer in time: " + io.getClass().getSimpleName());
        }
        return SendFailedException.transientFailure(CONNECTION, "could not reach Aliyun: " + io.getClass().getSimpleName());
    }
}
