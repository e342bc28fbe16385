package org.shouhu.routes.care;

import java.time.LocalTime;

/**
 * One child's day at the site: state, times of arrival and pick-up, who picked up, and whether a
 * guardian asked staff to escort the child home.
 */
public record DayRecord(String childId, ChildState state, LocalTime arrivedAt, LocalTime leftAt,
                        String pickedUpBy, boolean escortRequested) {

    /** A child nobody has checked in yet today. */
    public static DayRecord expected(String childId) {
        return new DayRecord(childId, ChildState.EXPECTED, null, null, null, false);
    }

    public DayRecord arrived(LocalTime at) {
        return new DayRecord(childId, ChildState.ARRIVED, at, null, null, escortRequested);
    }

    public DayRecord left(LocalTime at, String by) {
        return new DayRecord(childId, ChildState.LEFT, arrivedAt, at, by, escortRequested);
    }

    public DayRecord absent() {
        return new DayRecord(childId, ChildState.ABSENT, null, null, null, false);
    }

    public DayRecord withEscort() {
        return new DayRecord(childId, state, arrivedAt, leftAt, pickedUpBy, true);
    }
}
