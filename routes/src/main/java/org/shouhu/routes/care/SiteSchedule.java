package org.shouhu.routes.care;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which days a site runs and its safety timings: the weekdays it opens, the season's first and
 * last day (null: open-ended), days it is closed, and how many minutes before closing guardians
 * are reminded and after opening a child counts as not arrived.
 */
public record SiteSchedule(Set<DayOfWeek> days, LocalDate from, LocalDate to, Set<LocalDate> closed,
                           int reminderMinutes, int noShowMinutes) {

    public SiteSchedule {
        days = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
        closed = Set.copyOf(closed);
    }

    /** Monday to Friday, all year, reminder 30 min before closing, no-show 30 min after opening. */
    public static SiteSchedule defaults() {
        return new SiteSchedule(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), null, null, Set.of(), 30, 30);
    }

    public boolean isSiteDay(LocalDate date) {
        return days.contains(date.getDayOfWeek())
                && (from == null || !date.isBefore(from))
                && (to == null || !date.isAfter(to))
                && !closed.contains(date);
    }
}
