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
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Ladder;
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

    /**
     * One child's day; times {@code 08:05}, null until they happen.
     *
     * @param voiceFirst the relations of the guardians who are called when an alert goes unanswered (left out when none)
     * @param ladders    today's escalations about the child, each step with its time, the voice call's among them (left out when none)
     */
    public record ChildDay(int rosterNo, String childId, String name, String state, String arrivedAt,
                           String leftAt, String pickedUpBy, boolean escortRequested,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<String> voiceFirst,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                           List<LadderDay> ladders) {

        /** A child's day without guardians or escalations shown. */
        public ChildDay(int rosterNo, String childId, String name, String state, String arrivedAt,
                        String leftAt, String pickedUpBy, boolean escortRequested) {
            this(rosterNo, childId, name, state, arrivedAt, leftAt, pickedUpBy, escortRequested, List.of(), List.of());
        }
    }

    /** An escalation of the day: its kind ({@code no_show}, {@code overdue}), whether it is over, and its log ({@code call@2026-07-15T00:35:00Z}). */
    public record LadderDay(String kind, boolean closed, List<String> steps) {
    }

    /** The day with each child's voice-first guardians and escalations (a ladder's log shows its voice call and what it came to). */
    public static TodayView of(Site site, LocalDate date, List<Child> roster, Map<String, DayRecord> records,
                               Map<String, List<Guardian>> guardians, List<Ladder> ladders) {
        TodayView plain = of(site, date, roster, records);
        List<ChildDay> children = new ArrayList<>(plain.children().size());
        for (ChildDay c : plain.children()) {
            List<String> voice = guardians.getOrDefault(c.childId(), List.of()).stream().filter(Guardian::voiceFirst)
                    .map(Guardian::relation).toList();
            List<LadderDay> mine = ladders.stream().filter(l -> l.childId().equals(c.childId()))
                    .map(l -> new LadderDay(l.kind().name().toLowerCase(Locale.ROOT), l.closed(), l.steps())).toList();
            children.add(new ChildDay(c.rosterNo(), c.childId(), c.name(), c.state(), c.arrivedAt(), c.leftAt(),
                    c.pickedUpBy(), c.escortRequested(), voice, mine));
        }
        return new TodayView(plain.site(), plain.date(), plain.counts(), List.copyOf(children));
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
