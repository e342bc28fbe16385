package org.shouhu.gateway.admin;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Site;

/**
 * A site's day as a coordinator checks it: the counts by state and every child of the roster, in
 * roster order, with where they are. A child nobody has recorded yet today is {@code expected}.
 */
public record TodayView(Hours site, String date, Counts counts, List<ChildDay> children) {

    /** The site's code, name and hours. */
    public record Hours(String code, String name, String opens, String closes) {
    }

    /**
     * How many children are in each state; {@code escorts} counts the children a guardian asked
     * staff to walk home today (whether or not they have left yet).
     */
    public record Counts(int total, int expected, int arrived, int left, int absent, int escorts) {
    }

    /** One child's day; times {@code 08:05}, null until they happen. */
    public record ChildDay(int rosterNo, String childId, String name, String state, String arrivedAt,
                           String leftAt, String pickedUpBy, boolean escortRequested) {
    }

    public static TodayView of(Site site, LocalDate date, List<Child> roster, Map<String, DayRecord> records) {
        Map<ChildState, Integer> byState = new EnumMap<>(ChildState.class);
        int escorts = 0;
        List<ChildDay> children = new ArrayList<>(roster.size());
        for (Child child : roster) {
            DayRecord r = records.getOrDefault(child.id(), DayRecord.expected(child.id()));
            byState.merge(r.state(), 1, Integer::sum);
            if (r.escortRequested()) {
                escorts++;
            }
            children.add(new ChildDay(child.rosterNo(), child.id(), child.name(),
                    r.state().name().toLowerCase(Locale.ROOT), clock(r.arrivedAt()), clock(r.leftAt()), r.pickedUpBy(), r.escortRequested()));
        }
        Counts counts = new Counts(roster.size(), byState.getOrDefault(ChildState.EXPECTED, 0),
                byState.getOrDefault(ChildState.ARRIVED, 0), byState.getOrDefault(ChildState.LEFT, 0),
                byState.getOrDefault(ChildState.ABSENT, 0), escorts);
        Hours hours = new Hours(site.code(), site.name(), CareDay.format(site.opens()), CareDay.format(site.closes()));
        return new TodayView(hours, date.toString(), counts, List.copyOf(children));
    }

    private static String clock(LocalTime time) {
        return time == null ? null : CareDay.format(time);
    }
}
