package org.shouhu.routes.port;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider did not accept a message. {@link #isTransient()} says whether trying again later may
 * work (5xx, timeout, 429/20429, 30003); a permanent failure (21211, 21610, 21614, 30005, 30006…)
 * marks the message failed, and {@link #recipientOptedOut()} (21610) also opts the number out.
 */
public class SendFailedException extends Exception {

    private final String code;
    private final boolean transientFailure;
    private final boolean recipientOptedOut;
    private final boolean recipientUnreachable;
    private final Duration retryAfter;

    public SendFailedException(String code, String reason, boolean transientFailure,
                               boolean recipientOptedOut, Duration retryAfter) {
        this(code, reason, transientFailure, recipientOptedOut, false, retryAfter);
    }

    private SendFailedException(String code, String reason, boolean transientFailure, boolean recipientOptedOut,
                                boolean recipientUnreachable, Duration retryAfter) {
        super(reason);
        this.code = code;
        this.transientFailure = transientFailure;
        this.recipientOptedOut = recipientOptedOut;
        this.recipientUnreachable = recipientUnreachable;
        this.retryAfter = retryAfter;
    }

    /**
     * The recipient cannot be reached on this channel any more (blocked the bot, unfollowed the
     * account): permanent, and the message should fall back to another channel of the person.
     */
    public static SendFailedException unreachable(String code, String reason) {
        return new SendFailedException(code, reason, false, false, true, null);
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

    public boolean recipientOptedOut() {
        return recipientOptedOut;
    }

    /** True when this channel cannot reach the recipient any more (see {@link #unreachable}). */
    public boolean recipientUnreachable() {
        return recipientUnreachable;
    }

    /** How long the provider asked us to wait, when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
