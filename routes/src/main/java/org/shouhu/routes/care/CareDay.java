package org.shouhu.routes.care;

import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The sites' local time: which day "today" is and the clock time SMS show ({@code 08:05}). */
public final class CareDay {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final Clock clock;
    private final ZoneId zone;

    public CareDay(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    public ZonedDateTime now() {
        return ZonedDateTime.now(clock).withZoneSameInstant(zone);
    }

    public LocalDate today() {
        return now().toLocalDate();
    }

    /** The time of day now, to the minute. */
    public LocalTime time() {
        return now().toLocalTime().withSecond(0).withNano(0);
    }

    public static String format(LocalTime time) {
        return time == null ? "" : HH_MM.format(time);
    }

    public ZoneId zone() {
        return zone;
    }

    public Clock clock() {
        return clock;
    }
}
