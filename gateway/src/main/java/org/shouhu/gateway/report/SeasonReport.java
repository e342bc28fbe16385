package org.shouhu.gateway.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * A site's, a county's or the city's season day by day, shaped for charts: attendance, no-shows,
 * late pick-ups, how far escalations climbed, and how many guardians acknowledged the day's alerts.
 *
 * <p>Cost, for a county (150 sites) over a season (40 days): per site its roster (cached), when its
 * children were added, its schedule (cached) and its days' records in one pipeline (about 450 round
 * trips in all); the ladders by the sites' indexes (a few round trips); the alerts of the days by one
 * range read, and for each a count of recipients and acknowledgements (one pipeline a thousand alerts),
 * reading who only of alerts to more than the range's sites (a county's or the city's, a pipeline a hundred).
 */
public final class SeasonReport {

    /** Alerts whose counts are read in one pipeline (two small commands each). */
    private static final int COUNTS_PER_READ = 1000;

    /**
     * One range's report: a value per day of {@code days} in each series; every series is null on a day
     * still to come (after today).
     *
     * @param expected           children on the roster of a site open that day (its schedule's site day, or a day it
     *                           kept attendance); a child put on a roster later counts from that day
     * @param arrived            of those, checked in (and maybe out again)
     * @param absent             of those, reported absent (请假)
     * @param noShows            no-show ladders opened (a child expected who did not arrive)
     * @param latePickups        overdue ladders opened (a child not picked up in time)
     * @param reachedCaptain     ladders that climbed to the captain's step (nobody answered the guardians' alert)
     * @param reachedCoordinator ladders that climbed to the coordinator's step
     * @param ackExpected        guardians the day's alerts went to (at the range's sites), who were to answer 1
     * @param acked              of those, who did
     * @param ackRate            acked ÷ ackExpected to three places; null on a day with no alert
     */
    public record Season(String scope, LocalDate from, LocalDate to, int sites, List<LocalDate> days,
                         List<Integer> expected, List<Integer> arrived, List<Integer> absent, List<Integer> noShows,
                         List<Integer> latePickups, List<Integer> reachedCaptain, List<Integer> reachedCoordinator,
                         List<Integer> ackExpected, List<Integer> acked, List<Double> ackRate) {

        /** As {@code GET /api/reports/season} answers it: {@code {"scope",…,"days":[…],"series":{"arrived":[…],…}}}. */
        public Map<String, Object> json() {
            Map<String, Object> series = new LinkedHashMap<>();
            series.put("expected", expected);
            series.put("arrived", arrived);
            series.put("absent", absent);
            series.put("noShows", noShows);
            series.put("latePickups", latePickups);
            series.put("reachedCaptain", reachedCaptain);
            series.put("reachedCoordinator", reachedCoordinator);
            series.put("ackRate", ackRate);
            series.put("ackExpected", ackExpected);
            series.put("acked", acked);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("scope", scope);
            json.put("from", from.toString());
            json.put("to", to.toString());
            json.put("sites", sites);
            json.put("days", days.stream().map(LocalDate::toString).toList());
            json.put("series", series);
            return json;
        }
    }

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;

    public SeasonReport(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.safety = safety;
        this.day = day;
    }

    /** The range's season up to today (the gateway's clock); the days after are null. */
    public Season of(ReportRange range) {
        List<LocalDate> days = range.days();
        LocalDate today = day.today();
        int past = (int) days.stream().filter(d -> !d.isAfter(today)).count();
        Counts c = new Counts(days.size());
        if (past > 0) {
            List<LocalDate> kept = days.subList(0, past);
            range.sites().forEach(site -> attendance(site, kept, c));
            ladders(range, kept, c);
            acknowledgements(range, kept, c);
        }
        return new Season(range.scope(), range.from(), range.to(), range.sites().size(), days,
                c.series(c.expected, past), c.series(c.arrived, past), c.series(c.absent, past), c.series(c.noShows, past),
                c.series(c.latePickups, past), c.series(c.captain, past), c.series(c.coordinator, past),
                c.series(c.ackExpected, past), c.series(c.acked, past), c.rates(past));
    }

    /** Each day's counts, by index into the range's days. */
    private static final class Counts {
        final int[] expected;
        final int[] arrived;
        final int[] absent;
        final int[] noShows;
        final int[] latePickups;
        final int[] captain;
        final int[] coordinator;
        final int[] ackExpected;
        final int[] acked;

        Counts(int days) {
            expected = new int[days];
            arrived = new int[days];
            absent = new int[days];
            noShows = new int[days];
            latePickups = new int[days];
            captain = new int[days];
            coordinator = new int[days];
            ackExpected = new int[days];
            acked = new int[days];
        }

        /** The first {@code past} days' values, then null for the days still to come. */
        List<Integer> series(int[] values, int past) {
            Integer[] out = new Integer[values.length];
            for (int i = 0; i < past; i++) {
                out[i] = values[i];
            }
            return Collections.unmodifiableList(Arrays.asList(out));
        }

        List<Double> rates(int past) {
            Double[] out = new Double[ackExpected.length];
            for (int i = 0; i < past; i++) {
                out[i] = ackExpected[i] == 0 ? null : Math.round(acked[i] * 1000.0 / ackExpected[i]) / 1000.0;
            }
            return Collections.unmodifiableList(Arrays.asList(out));
        }
    }

    /** One site's expected, arrived and absent children on each day: its days' records in one pipeline. */
    private void attendance(Site site, List<LocalDate> days, Counts c) {
        SiteSchedule schedule = safety.schedule(site.code());
        List<Child> roster = care.roster(site.code());
        Map<String, Instant> added = care.addedAt(roster.stream().map(Child::id).toList());
        Map<LocalDate, Map<String, DayRecord>> records = care.days(site.code(), days);
        ZoneId zone = day.zone();
        for (int i = 0; i < days.size(); i++) {
            LocalDate date = days.get(i);
            Map<String, DayRecord> kept = records.getOrDefault(date, Map.of());
            if (!schedule.isSiteDay(date) && kept.isEmpty()) {
                continue; // closed, and nobody kept attendance anyway
            }
            for (Child child : roster) {
                Instant on = added.get(child.id());
                if (on != null && date.isBefore(on.atZone(zone).toLocalDate())) {
                    continue; // not on the roster yet
                }
                c.expected[i]++;
                DayRecord r = kept.get(child.id());
                if (r == null) {
                    continue;
                }
                switch (r.state()) {
                    case ARRIVED, LEFT -> c.arrived[i]++;
                    case ABSENT -> c.absent[i]++;
                    case EXPECTED -> { }
                }
            }
        }
    }

    private void ladders(ReportRange range, List<LocalDate> days, Counts c) {
        for (Ladder l : safety.laddersOpened(range.siteCodes(), days.get(0), days.get(days.size() - 1))) {
            int i = days.indexOf(l.date());
            if (i < 0) {
                continue;
            }
            if (l.kind() == LadderKind.NO_SHOW) {
                c.noShows[i]++;
            } else {
                c.latePickups[i]++;
            }
            if (l.step() >= 1) {
                c.captain[i]++;
            }
            if (l.step() >= Ladder.LAST_STEP) {
                c.coordinator[i]++;
            }
        }
    }

    /**
     * Each day's alerts to the range's sites, by the day they were sent: of an alert within the sites
     * all recipients count; of one to more (a county's, the city's), those who are guardians at the
     * sites now.
     */
    private void acknowledgements(ReportRange range, List<LocalDate> days, Counts c) {
        ZoneId zone = day.zone();
        List<Alert> alerts = safety.alertsSent(days.get(0).atStartOfDay(zone).toInstant(),
                days.get(days.size() - 1).plusDays(1).atStartOfDay(zone).toInstant()).stream()
                .filter(a -> range.reaches(a.scope())).toList();
        List<Alert> within = alerts.stream().filter(a -> range.holdsAllOf(a.scope())).toList();
        List<Alert> wider = alerts.stream().filter(a -> !range.holdsAllOf(a.scope())).toList();
        for (int from = 0; from < within.size(); from += COUNTS_PER_READ) {
            List<Alert> part = within.subList(from, Math.min(within.size(), from + COUNTS_PER_READ));
            Map<String, AlertAcknowledgements.Count> counts = safety.acknowledgementCounts(part.stream().map(Alert::id).toList());
            for (Alert a : part) {
                AlertAcknowledgements.Count n = counts.get(a.id());
                int i = days.indexOf(a.sentAt().atZone(zone).toLocalDate());
                if (n != null && i >= 0) {
                    c.ackExpected[i] += n.recipients();
                    c.acked[i] += n.acknowledged();
                }
            }
        }
        if (wider.isEmpty()) {
            return;
        }
        Set<Address> here = new HashSet<>();
        range.sites().forEach(s -> here.addAll(care.guardianAddresses(s.code())));
        for (int from = 0; from < wider.size(); from += AcknowledgementReport.ALERTS_PER_READ) {
            List<Alert> part = wider.subList(from, Math.min(wider.size(), from + AcknowledgementReport.ALERTS_PER_READ));
            Map<String, AlertAcknowledgements> acks = safety.acknowledgements(part.stream().map(Alert::id).toList());
            for (Alert a : part) {
                AlertAcknowledgements n = acks.get(a.id());
                int i = days.indexOf(a.sentAt().atZone(zone).toLocalDate());
                if (n == null || i < 0) {
                    continue;
                }
                List<Address> to = new ArrayList<>(n.recipients());
                to.retainAll(here);
                c.ackExpected[i] += to.size();
                c.acked[i] += (int) to.stream().filter(n.acknowledged()::containsKey).count();
            }
        }
    }
}
