package org.shouhu.routes.port;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider did not accept a message. {@link #isTransient()} says whether trying again later may
 * work (5xx, timeout, 429/20429, 30003); a permanent failure (21211, 21610, 21614, 30005, 30006…)
 * marks the message failed, and {@link #recipientOptedOut()} (21610) also opts the number out. A
 * {@link #isThrottled() throttle} (429, 20429) is transient and says nothing about the message: it
 * is not counted as an attempt. A {@link #recipientLimited limit on the one recipient} (Aliyun's per-number flow
 * control) is transient too, and says another channel of the same person may take the message at once.
 */
public class SendFailedException extends Exception {

    private final String code;
    private final boolean transientFailure;
    private final boolean recipientOptedOut;
    private final boolean recipientUnreachable;
    private final boolean throttled;
    private final boolean anotherChannel;
    private final Duration retryAfter;

    public SendFailedException(String code, String reason, boolean transientFailure,
                               boolean recipientOptedOut, Duration retryAfter) {
        this(code, reason, transientFailure, recipientOptedOut, false, false, false, retryAfter);
    }

    private SendFailedException(String code, String reason, boolean transientFailure, boolean recipientOptedOut,
                                boolean recipientUnreachable, boolean throttled, boolean anotherChannel,
                                Duration retryAfter) {
        super(reason);
        this.code = code;
        this.transientFailure = transientFailure;
        this.recipientOptedOut = recipientOptedOut;
        this.recipientUnreachable = recipientUnreachable;
        this.throttled = throttled;
        this.anotherChannel = anotherChannel;
        this.retryAfter = retryAfter;
    }

    /**
     * The provider asked us to slow down (HTTP 429, Twilio 20429): transient, and not the message's
     * fault, so it does not count as an attempt; {@code retryAfter} is what the provider asked for, or null.
     */
    public static SendFailedException throttled(String code, String reason, Duration retryAfter) {
        return new SendFailedException(code, reason, true, false, false, true, false, retryAfter);
    }

    /**
     * The recipient cannot be reached on this channel any more (blocked the bot, unfollowed the
     * account): permanent, and the message should fall back to another channel of the person.
     */
    public static SendFailedException unreachable(String code, String reason) {
        return new SendFailedException(code, reason, false, false, true, false, false, null);
    }

    /**
     * The provider holds back messages to this one recipient for a while (Aliyun's per-number flow control,
     * {@code isv.BUSINESS_LIMIT_CONTROL}): transient, an attempt, tried again after {@code wait} — unless another
     * channel of the same person (their chat account) can take it at once ({@link #tryAnotherChannel}).
     */
    public static SendFailedException recipientLimited(String code, String reason, Duration wait) {
        return new SendFailedException(code, reason, true, false, false, false, true, wait);
    }

    public static SendFailedException transientFailure(String code, String reason) {
        return new SendFailedException(code, reason, true, false, null);
    }

    public static SendFailedException permanent(String code, String reason) {
        return new SendFailedException(code, reason, false, false, null);
    }

    /** The provider's error code ({@code 21610}, {@code http-503}, {@code timeout}…). */
    public String code() {
        return code;
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** True when the provider throttled us (see {@link #throttled}): retried, not counted as an attempt. */
    public boolean isThrottled() {
        return throttled;
    }

    public boolean recipientOptedOut() {
        return recipientOptedOut;
    }

    /** True when this channel cannot reach the recipient any more (see {@link #unreachable}). */
    public boolean recipientUnreachable() {
        return recipientUnreachable;
    }

    /** True when this channel holds the recipient back for now and another channel of theirs may take it (see {@link #recipientLimited}). */
    public boolean tryAnotherChannel() {
        return anotherChannel;
    }

    /** How long the provider asked us to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
