package org.shouhu.routes.care;

import java.time.Duration;
import java.time.LocalTime;

/**
 * City-wide safety timings: how long each ladder step waits for an answer, when after closing a
 * child counts as overdue and the drowning alert goes, and the quiet hours of routine notices.
 */
public record SafetySettings(Duration ladderStep, Duration overdueAfter, Duration drowningAfter,
                             LocalTime quietFrom, LocalTime quietUntil) {

    /** 15 min per step, overdue 15 min after closing, drowning alert 5 min after, quiet 21:00–08:00. */
    public static SafetySettings defaults() {
        return new SafetySettings(Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofMinutes(5),
                LocalTime.of(21, 0), LocalTime.of(8, 0));
    }

    /** Whether routine notices are held at this time of day. */
    public boolean isQuiet(LocalTime time) {
        return quietFrom.isAfter(quietUntil)
                ? !time.isBefore(quietFrom) || time.isBefore(quietUntil)
                : !time.isBefore(quietFrom) && time.isBefore(quietUntil);
    }
}
