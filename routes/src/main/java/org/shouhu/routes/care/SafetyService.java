package org.shouhu.routes.care;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyEvents;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.SafetyLessons;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything timed in the safety loop, derived from Redis each time it runs: for every site day,
 * the no-show check, the pick-up reminder, the overdue check and the drowning alert fire exactly
 * once when due (a lease per site, event and date that runs out after two minutes of the
 * gateway's clock, and a done mark; every effect of an event is written once on its own, so a try
 * that a crash or a Redis error cut short is finished by the next; after downtime they fire once,
 * late, while they still make sense), and due ladder steps and voice calls are claimed and taken. Puts messages
 * in the outbox; never calls a provider. The sites whose events are due fire on a pool of threads,
 * a site's events in order on one of them, so that at 17:05, when half the city's drowning alerts
 * fall due at once, one site's wait for Redis is another's turn to work.
 */
public final class SafetyService {

    private static final Logger LOG = LoggerFactory.getLogger(SafetyService.class);
    /** How long a node's lease on an event holds, by the gateway's clock: past it, a node that died is replaced. */
    static final Duration LEASE = Duration.ofMinutes(2);
    /** Closed this many days in a row from tomorrow: the season is over, not a break. */
    private static final int SEASON_OVER_AFTER = 21;

    private final CareStore care;
    private final SafetyStore safety;
    private final SafetyEvents events;
    private final CareDay day;
    private final SafetySettings settings;
    private final EscalationLadders ladders;
    private final Alerts alerts;
    /** Where due sites fire, several at once; {@code null}: one after the other on the sweep's thread. */
    private final ExecutorService firing;
    /** What this node has fired, or seen done, today, per site: the cheap check before the Redis lease. */
    private final Map<String, EnumSet<SiteEvent>> done = new HashMap<>();
    private volatile LocalDate doneDate;

    public SafetyService(CareStore care, SafetyStore safety, SafetyEvents events, CareDay day,
                         SafetySettings settings, EscalationLadders ladders, Alerts alerts, ExecutorService firing) {
        this.care = care;
        this.safety = safety;
        this.events = events;
        this.day = day;
        this.settings = settings;
        this.ladders = ladders;
        this.alerts = alerts;
        this.firing = firing;
    }

    /** The gateway's time now (the simulated one in tests and demos). */
    public java.time.Instant clockNow() {
        return day.clock().instant();
    }

    /** Fires whatever is due now; returns how many events and ladder steps it took. Safe to call from any node, any time. */
    public synchronized int runDue() {
        LocalDate today = day.today();
        LocalTime now = day.now().toLocalTime();
        if (!today.equals(doneDate)) {
            done.clear();
            doneDate = today;
        }
        int fired = 0;
        List<Due> due = new ArrayList<>();
        for (Site site : care.sites()) {
            EnumSet<SiteEvent> siteDone = done.computeIfAbsent(site.code(), k -> EnumSet.noneOf(SiteEvent.class));
            if (siteDone.size() == SiteEvent.values().length) {
                continue;
            }
            SiteSchedule schedule = safety.schedule(site.code());
            if (!schedule.isSiteDay(today)) {
                continue;
            }
            for (SiteEvent event : SiteEvent.values()) {
                if (!siteDone.contains(event) && isDue(event, site, schedule, now)) {
                    due.add(new Due(event, site, key(event, site.code(), today)));
                }
            }
        }
        Map<String, SafetyEvents.Lease> leases = due.isEmpty() ? Map.of()
                : events.lease(due.stream().map(Due::key).toList(), day.clock().instant(), LEASE);
        Map<String, List<Due>> bySite = new LinkedHashMap<>();
        for (Due d : due) {
            SafetyEvents.Lease lease = leases.get(d.key());
            if (lease == SafetyEvents.Lease.OURS) {
                bySite.computeIfAbsent(d.site().code(), k -> new ArrayList<>()).add(d);
            } else if (lease == SafetyEvents.Lease.DONE) {
                done.get(d.site().code()).add(d.event());
            } // BUSY: another node is at it; asked again next sweep, in case that node dies
        }
        java.util.Set<Due> failed = new java.util.HashSet<>(fireAll(bySite.values(), today));
        for (List<Due> siteDue : bySite.values()) {
            for (Due d : siteDue) {
                if (!failed.contains(d)) {
                    done.get(d.site().code()).add(d.event());
                    fired++;
                }
            }
        }
        try { // alerts and broadcasts whose node died, or whose local expansion failed, before their messages were queued
            fired += alerts.expandPending(100);
        } catch (RuntimeException e) {
            LOG.error("pending alerts not expanded this sweep: {}", e.toString());
        }
        for (String ladderId : safety.claimDueLadders(day.clock().instant(), 1000)) {
            try {
                if (!ladders.step(ladderId).isEmpty()) {
                    fired++;
                }
            } catch (RuntimeException e) {
                LOG.error("ladder {} step failed, tried again in 30 s: {}", ladderId, e.toString());
                try {
                    safety.retryLadder(ladderId, day.clock().instant().plusSeconds(30));
                } catch (RuntimeException again) { // its claim runs out: taken again in two minutes
                    LOG.error("ladder {}: tried again when its claim runs out: {}", ladderId, again.toString());
                }
            }
            Failpoints.hit("safety.mid-step"); // between two ladders of a batch: the rest are claimed, not stepped
        }
        for (String ladderId : safety.claimDueCalls(day.clock().instant(), 1000)) { // voice: before the captain
            try {
                if (!ladders.call(ladderId).isEmpty()) {
                    fired++;
                }
            } catch (RuntimeException e) {
                LOG.error("ladder {} voice call failed, tried again in 30 s: {}", ladderId, e.toString());
                try {
                    safety.retryCall(ladderId, day.clock().instant().plusSeconds(30));
                } catch (RuntimeException again) { // its claim runs out: taken again in two minutes
                    LOG.error("ladder {}: voice call tried again when its claim runs out: {}", ladderId, again.toString());
                }
            }
        }
        return fired;
    }

    /**
     * Fires each site's due events in order, the sites at once on the pool; returns the events that
     * failed or whose outcome is unknown. Counting one as failed only makes the next sweep ask Redis
     * for its lease again, which is safe: a fired event is done, a failed one's lease was given back
     * or runs out, and firing it again redoes only what it had not done.
     */
    private List<Due> fireAll(java.util.Collection<List<Due>> sites, LocalDate date) {
        List<Due> failed = new ArrayList<>();
        if (firing == null || sites.size() < 2) {
            sites.forEach(siteDue -> failed.addAll(fireInOrder(siteDue, date)));
            return failed;
        }
        List<Map.Entry<List<Due>, Future<List<Due>>>> running = new ArrayList<>(sites.size());
        for (List<Due> siteDue : sites) {
            try {
                running.add(Map.entry(siteDue, firing.submit(() -> fireInOrder(siteDue, date))));
            } catch (RejectedExecutionException closing) { // the node is stopping: fire it here
                failed.addAll(fireInOrder(siteDue, date));
            }
        }
        boolean interrupted = false;
        for (Map.Entry<List<Due>, Future<List<Due>>> site : running) {
            try {
                failed.addAll(site.getValue().get());
            } catch (InterruptedException e) {
                interrupted = true;
                failed.addAll(site.getKey());
            } catch (ExecutionException e) { // fireOrRelease catches what Redis throws; this is an Error or a bug of ours
                LOG.error("site {}: firing its events broke; those not fired are fired again when their leases run out",
                        site.getKey().get(0).site().code(), e.getCause());
                failed.addAll(site.getKey());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failed;
    }

    private List<Due> fireInOrder(List<Due> siteDue, LocalDate date) {
        List<Due> failed = new ArrayList<>();
        for (Due d : siteDue) {
            if (!fireOrRelease(d.event(), d.site(), date)) {
                failed.add(d);
            }
        }
        return failed;
    }

    /**
     * Due from its time until it stops making sense (a reminder after closing would only confuse),
     * and for at least ten minutes whatever the settings, so no configuration makes it never fire.
     */
    private boolean isDue(SiteEvent event, Site site, SiteSchedule schedule, LocalTime now) {
        LocalTime at = event.at(site, schedule, settings);
        LocalTime until = event.validUntil(site, settings);
        LocalTime atLeast = at.plusMinutes(10).isBefore(at) ? LocalTime.MAX : at.plusMinutes(10);
        return !now.isBefore(at) && (!now.isAfter(until) || now.isBefore(atLeast));
    }

    /** An event due at a site, with its lease key: of all nodes, the one that sets the key fires it. */
    private record Due(SiteEvent event, Site site, String key) {
    }

    /**
     * Fires an event; if it fails half-way (Redis went away), gives the lease back so the next
     * sweep, here or on another node, fires it again (if that fails too, the lease runs out in two
     * minutes): every effect of an event is once on its own, so firing it again redoes only what is
     * missing. False if it failed.
     */
    private boolean fireOrRelease(SiteEvent event, Site site, LocalDate date) {
        String key = key(event, site.code(), date);
        try {
            Failpoints.hit("safety.after-event-claim");
            fire(event, site, date, key);
            return true;
        } catch (RuntimeException e) {
            LOG.error("{} at site {} failed, fired again on the next sweep: {}", event, site.code(), e.toString());
            try {
                events.release(key);
            } catch (RuntimeException again) {
                LOG.error("{} at site {}: fired again when its lease runs out: {}", event, site.code(), again.toString());
            }
            return false;
        }
    }

    private static String key(SiteEvent event, String siteCode, LocalDate date) {
        return "event:" + event + ":" + siteCode + ":" + date;
    }

    /**
     * An event's work, then its done mark: the pick-up reminders are queued with it in one write;
     * the ladders and the alert are each written once on their own (a ladder per child, the alert
     * by its id), so a done mark after them, lost in a crash, only makes the next try find them done.
     */
    private void fire(SiteEvent event, Site site, LocalDate date, String key) {
        LOG.info("{} at site {} for {}", event, site.code(), date);
        switch (event) {
            case NO_SHOW_CHECK -> openLadders(LadderKind.NO_SHOW, site, date,
                    children(site, date, r -> r.state() == ChildState.EXPECTED));
            case PICKUP_REMINDER -> pickupReminders(site, date, key);
            case OVERDUE_CHECK -> openLadders(LadderKind.OVERDUE, site, date, children(site, date, SafetyService::waitsForPickup));
            case DROWNING_ALERT -> drowningAlert(site, date);
        }
        if (event != SiteEvent.PICKUP_REMINDER) {
            Failpoints.hit("safety.before-event-done");
            events.finish(key);
        }
    }

    /** Opens a ladder per child, each in one write that checks the child's day again. */
    private void openLadders(LadderKind kind, Site site, LocalDate date, List<Child> children) {
        boolean voiceSite = !children.isEmpty() && care.voiceForAll(site.code()); // one read for the site, not one per child
        for (Child child : children) {
            ladders.open(kind, site, child, date, voiceSite);
            Failpoints.hit("safety.after-open");
        }
    }

    /**
     * The day's drowning-prevention rule to every guardian of the site. Before days the site does
     * not open — a weekend, a holiday, the end of the season — it says so: those are the days a
     * child is at home by the water, with no one from the site watching.
     */
    private void drowningAlert(Site site, LocalDate date) {
        SiteSchedule schedule = safety.schedule(site.code());
        int daysOff = 0;
        while (daysOff < SEASON_OVER_AFTER && !schedule.isSiteDay(date.plusDays(daysOff + 1))) {
            daysOff++;
        }
        TemplateKey template = daysOff == 0 ? TemplateKey.DROWNING_ALERT
                : daysOff == SEASON_OVER_AFTER ? TemplateKey.DROWNING_ALERT_SEASON_END : TemplateKey.DROWNING_ALERT_DAYS_OFF;
        alerts.send("a-" + site.code() + "-" + date, "site:" + site.code(), "drowning",
                SafetyLessons.drowning(date.toEpochDay()), template, Map.of("days", String.valueOf(daysOff)));
    }

    /** The reminders to the guardians of every child still there, queued with the event's done mark, once. */
    private void pickupReminders(Site site, LocalDate date, String key) {
        List<Child> onSite = children(site, date, SafetyService::waitsForPickup);
        Map<String, List<Guardian>> guardians = care.guardiansOf(onSite.stream().map(Child::id).toList());
        Map<String, String> closes = Map.of("site", site.name(), "closes", CareDay.format(site.closes()));
        List<OutboundMessage> out = new ArrayList<>();
        for (Child child : onSite) {
            Map<String, String> values = new HashMap<>(closes);
            values.put("child", child.name());
            for (Guardian g : guardians.get(child.id())) {
                out.add(OutboundMessage.of(g.address(), TemplateKey.PICKUP_REMINDER, values, MessageClass.ROUTINE));
            }
        }
        events.queueAndFinish(key, out);
    }

    /** Checked in, and no escort asked for (a child waiting for an escort is the staff's, not late). */
    private static boolean waitsForPickup(DayRecord r) {
        return r.state() == ChildState.ARRIVED && !r.escortRequested();
    }

    /** The site's children whose record today (an expected one where there is none) passes {@code test}. */
    private List<Child> children(Site site, LocalDate date, java.util.function.Predicate<DayRecord> test) {
        Map<String, DayRecord> records = care.day(site.code(), date);
        return care.roster(site.code()).stream()
                .filter(child -> test.test(records.getOrDefault(child.id(), DayRecord.expected(child.id()))))
                .toList();
    }
}
