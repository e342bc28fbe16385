package org.shouhu.routes.care;

import java.time.LocalTime;

/**
 * The timed moments of a site day and until when each still makes sense after downtime: the
 * no-show check after opening, the pick-up reminder before closing, the overdue check and the
 * drowning alert after closing.
 */
public enum SiteEvent {
    NO_SHOW_CHECK, PICKUP_REMINDER, OVERDUE_CHECK, DROWNING_ALERT;

    /** When the event is due on a site day. */
    public LocalTime at(Site site, SiteSchedule schedule, SafetySettings settings) {
        return switch (this) {
            case NO_SHOW_CHECK -> site.opens().plusMinutes(schedule.noShowMinutes());
            case PICKUP_REMINDER -> site.closes().minusMinutes(schedule.reminderMinutes());
            case OVERDUE_CHECK -> site.closes().plus(settings.overdueAfter());
            case DROWNING_ALERT -> site.closes().plus(settings.drowningAfter());
        };
    }

    /** After this time of day a missed event is dropped instead of fired late. */
    public LocalTime validUntil(Site site, SafetySettings settings) {
        return switch (this) {
            case NO_SHOW_CHECK, PICKUP_REMINDER -> site.closes();
            case OVERDUE_CHECK -> LocalTime.of(23, 59);
            case DROWNING_ALERT -> settings.quietFrom();
        };
    }
}
