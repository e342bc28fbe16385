package org.shouhu.routes.care;

import java.time.LocalDate;
import java.util.Collection;

/**
 * How long children's data is kept (PIPL): until its season's end plus {@code daysAfterSeason}.
 * The season end of a date comes from the site's schedule ({@link SiteSchedule#to()}): a date in
 * the season ends with it; a date before the season began belongs to an earlier season: the
 * earliest season end recorded for the site (the retention job records each season's end while it
 * is current) on or after the date, else the day before this season began (never earlier than the
 * truth); a date after the season's end, or at a site with an open-ended schedule, is its own season end.
 */
public record Retention(int daysAfterSeason) {

    /** The default: 90 days after the season's end. */
    public static final int DEFAULT_DAYS = 90;

    public Retention {
        if (daysAfterSeason < 0) {
            throw new IllegalArgumentException("days after the season must be ≥ 0");
        }
    }

    /** The end of the season a date of this site belongs to, knowing no earlier season's end. */
    public static LocalDate seasonEnd(SiteSchedule schedule, LocalDate date) {
        return seasonEnd(schedule, java.util.List.of(), date);
    }

    /** The end of the season a date of this site belongs to; {@code pastEnds}: the site's season ends recorded before. */
    public static LocalDate seasonEnd(SiteSchedule schedule, Collection<LocalDate> pastEnds, LocalDate date) {
        if (schedule.from() != null && date.isBefore(schedule.from())) {
            return pastEnds.stream().filter(end -> !end.isBefore(date) && end.isBefore(schedule.from()))
                    .min(LocalDate::compareTo).orElse(schedule.from().minusDays(1));
        }
        if (schedule.to() != null && !date.isAfter(schedule.to())) {
            return schedule.to();
        }
        return date;
    }

    /** Whether data of this date at a site with this schedule is past retention on {@code today}. */
    public boolean isPast(SiteSchedule schedule, LocalDate date, LocalDate today) {
        return isPast(schedule, java.util.List.of(), date, today);
    }

    /** {@link #isPast(SiteSchedule, LocalDate, LocalDate)} knowing the site's earlier season ends. */
    public boolean isPast(SiteSchedule schedule, Collection<LocalDate> pastEnds, LocalDate date, LocalDate today) {
        return seasonEnd(schedule, pastEnds, date).plusDays(daysAfterSeason).isBefore(today);
    }
}
