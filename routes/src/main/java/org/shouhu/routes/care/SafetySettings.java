package org.shouhu.routes.care;

import java.time.Duration;
import java.time.LocalTime;

/**
 * City-wide safety timings: how long each ladder step waits for an answer, when after closing a
 * child counts as overdue and the drowning alert goes, the quiet hours of routine notices, and how
 * long after the guardians' alert the voice-first guardians are called.
 *
 * @param voiceAfter how long an unanswered no-show or overdue alert waits before its voice call
 *                   ({@code SHOUHU_VOICE_AFTER_MINUTES}); no call when it is not shorter than {@code ladderStep}
 */
public record SafetySettings(Duration ladderStep, Duration overdueAfter, Duration drowningAfter,
                             LocalTime quietFrom, LocalTime quietUntil, Duration voiceAfter) {

    /** The voice call's default wait: 5 minutes, well before the captain step. */
    public static final Duration VOICE_AFTER = Duration.ofMinutes(5);

    /** Timings with the default voice call wait. */
    public SafetySettings(Duration ladderStep, Duration overdueAfter, Duration drowningAfter,
                          LocalTime quietFrom, LocalTime quietUntil) {
        this(ladderStep, overdueAfter, drowningAfter, quietFrom, quietUntil, VOICE_AFTER);
    }

    /** 15 min per step, overdue 15 min after closing, drowning alert 5 min after, quiet 21:00–08:00, voice after 5 min. */
    public static SafetySettings defaults() {
        return new SafetySettings(Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofMinutes(5),
                LocalTime.of(21, 0), LocalTime.of(8, 0));
    }

    /** The same timings with no voice call (a node that has no way to place one). */
    public SafetySettings withoutCalls() {
        return new SafetySettings(ladderStep, overdueAfter, drowningAfter, quietFrom, quietUntil, Duration.ZERO);
    }

    /** Whether a voice call fits before the captain step. */
    public boolean callsBeforeCaptain() {
        return !voiceAfter.isNegative() && !voiceAfter.isZero() && voiceAfter.compareTo(ladderStep) < 0;
    }

    /** Whether routine notices are held at this time of day. */
    public boolean isQuiet(LocalTime time) {
        return quietFrom.isAfter(quietUntil)
                ? !time.isBefore(quietFrom) || time.isBefore(quietUntil)
                : !time.isBefore(quietFrom) && time.isBefore(quietUntil);
    }
}
