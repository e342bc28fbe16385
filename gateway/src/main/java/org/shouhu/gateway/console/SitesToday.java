package org.shouhu.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * Today at many sites at once, as the county dashboard and the city overview show it: each site's
 * counts and every open escalation with its step and age. A ladder that has told the coordinator has
 * no step left and is closed, but stays on the dashboard while its child's day still calls for it
 * (the child has still not come, or is still not picked up). Reads the sites' day records in one
 * pipeline and their open ladders in one more (plus the ladders found); rosters and schedules are
 * the stores' cached ones, so a county of 150 sites costs a few round trips.
 */
final class SitesToday {

    /** The step names as the dashboard shows them: whom the ladder has reached. */
    static final List<String> STEPS = List.of("家长", "队长", "协调员");

    /**
     * One site's day: {@code expected} is its roster when it is open today (0 when it is not),
     * {@code arrived} those who came (still there or gone home), {@code onSite} those still there,
     * {@code missing} those neither come nor marked absent.
     */
    record SiteRow(String code, String name, String county, String segment, boolean open, int expected, int arrived,
                   int absent, int pickedUp, int onSite, int missing, int escalations) {
    }

    /** One open escalation; {@code minutes} since it opened; {@code red} once it has reached the coordinator. */
    record Escalation(String id, String site, String siteName, String siteSegment, int rosterNo, String child,
                      String kind, String step, int stepNo, long minutes, boolean red) {
    }

    /** The sites' day: rows in site-code order, escalations the oldest first. */
    record Day(String date, String time, List<SiteRow> sites, List<Escalation> escalations, Totals totals) {
    }

    /** The rows added up; {@code atCoordinator}: escalations that have reached the coordinator. */
    record Totals(int sites, int expected, int arrived, int absent, int pickedUp, int onSite, int missing,
                  int escalations, int atCoordinator) {
    }

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;

    SitesToday(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.safety = safety;
        this.day = day;
    }

    /** Every site of the county, or of the whole city when {@code county} is null. */
    List<Site> sitesOf(String county) {
        return care.sites().stream().filter(s -> county == null || s.county().equals(county))
                .sorted(Comparator.comparing(Site::code)).toList();
    }

    Day read(List<Site> sites) {
        LocalDate date = day.today();
        Instant now = day.clock().instant();
        List<String> codes = sites.stream().map(Site::code).toList();
        Map<String, Map<String, DayRecord>> records = care.dayAt(codes, date);
        Map<String, List<Ladder>> laddersBySite = new HashMap<>();
        for (Ladder l : safety.openLaddersAt(codes, date)) {
            laddersBySite.computeIfAbsent(l.siteCode(), c -> new ArrayList<>()).add(l);
        }
        List<SiteRow> rows = new ArrayList<>(sites.size());
        List<Escalation> escalations = new ArrayList<>();
        for (Site site : sites) {
            List<Child> roster = care.roster(site.code());
            Map<String, DayRecord> kept = records.getOrDefault(site.code(), Map.of());
            boolean open = safety.schedule(site.code()).isSiteDay(date) || !kept.isEmpty();
            Map<ChildState, Integer> byState = new java.util.EnumMap<>(ChildState.class);
            Map<String, Child> byId = new LinkedHashMap<>();
            for (Child c : roster) {
                byId.put(c.id(), c);
                byState.merge(kept.getOrDefault(c.id(), DayRecord.expected(c.id())).state(), 1, Integer::sum);
            }
            List<Ladder> ladders = laddersBySite.getOrDefault(site.code(), List.of()).stream() // told the coordinator and still unresolved
                    .filter(l -> !l.closed() || l.kind().calledFor(kept.getOrDefault(l.childId(), DayRecord.expected(l.childId()))))
                    .toList();
            int arrived = byState.getOrDefault(ChildState.ARRIVED, 0);
            int left = byState.getOrDefault(ChildState.LEFT, 0);
            rows.add(new SiteRow(site.code(), site.name(), site.county(), Paths.segment(site.code()), open,
                    open ? roster.size() : 0, arrived + left, byState.getOrDefault(ChildState.ABSENT, 0), left, arrived,
                    open ? byState.getOrDefault(ChildState.EXPECTED, 0) : 0, ladders.size()));
            for (Ladder l : ladders) {
                Child child = byId.get(l.childId());
                int step = Math.min(l.step(), Ladder.LAST_STEP);
                escalations.add(new Escalation(l.id(), site.code(), site.name(), Paths.segment(site.code()),
                        child == null ? 0 : child.rosterNo(), child == null ? "（已移出名单）" : child.name(),
                        l.kind() == LadderKind.NO_SHOW ? "未到" : "逾期未接", STEPS.get(step), step,
                        Math.max(0, Duration.between(openedAt(l, now), now).toMinutes()), step >= Ladder.LAST_STEP));
            }
        }
        escalations.sort(Comparator.comparingLong(Escalation::minutes).reversed().thenComparing(Escalation::id));
        return new Day(date.toString(), CareDay.format(day.time()), List.copyOf(rows), List.copyOf(escalations), totals(rows, escalations));
    }

    private static Totals totals(List<SiteRow> rows, List<Escalation> escalations) {
        int expected = 0, arrived = 0, absent = 0, pickedUp = 0, onSite = 0, missing = 0;
        for (SiteRow r : rows) {
            expected += r.expected();
            arrived += r.arrived();
            absent += r.absent();
            pickedUp += r.pickedUp();
            onSite += r.onSite();
            missing += r.missing();
        }
        return new Totals(rows.size(), expected, arrived, absent, pickedUp, onSite, missing, escalations.size(),
                (int) escalations.stream().filter(Escalation::red).count());
    }

    /** When the ladder opened: its first log entry ({@code guardians@2026-07-15T00:30:00Z}); now when unreadable. */
    private static Instant openedAt(Ladder l, Instant now) {
        if (l.steps().isEmpty()) {
            return now;
        }
        String first = l.steps().get(0);
        try {
            return Instant.parse(first.substring(first.lastIndexOf('@') + 1));
        } catch (DateTimeParseException e) {
            return now;
        }
    }
}
