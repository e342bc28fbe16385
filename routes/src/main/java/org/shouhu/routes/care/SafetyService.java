package org.shouhu.routes.care;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.SafetyLessons;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything timed in the safety loop, derived from Redis each time it runs: for every site day,
 * the no-show check, the pick-up reminder, the overdue check and the drowning alert fire once
 * when due (a Redis lease per site, event and date makes that hold across nodes and restarts;
 * after downtime they fire once, late, while they still make sense), and due ladder steps are
 * claimed and taken. Puts messages in the outbox; never calls a provider.
 */
public final class SafetyService {

    private static final Logger LOG = LoggerFactory.getLogger(SafetyService.class);
    private static final Duration LEASE = Duration.ofDays(3);

    private final CareStore care;
    private final SafetyStore safety;
    private final Outbox outbox;
    private final Once once;
    private final CareDay day;
    private final SafetySettings settings;
    private final EscalationLadders ladders;
    private final Alerts alerts;
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private volatile LocalDate doneDate;

    public SafetyService(CareStore care, SafetyStore safety, Outbox outbox, Once once, CareDay day,
                         SafetySettings settings, EscalationLadders ladders, Alerts alerts) {
        this.care = care;
        this.safety = safety;
        this.outbox = outbox;
        this.once = once;
        this.day = day;
        this.settings = settings;
        this.ladders = ladders;
        this.alerts = alerts;
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
        for (Site site : care.sites()) {
            SiteSchedule schedule = safety.schedule(site.code());
            if (!schedule.isSiteDay(today)) {
                continue;
            }
            for (SiteEvent event : SiteEvent.values()) {
                if (isDue(event, site, schedule, now) && claim(event, site, today)) {
                    fired += fireOrRelease(event, site, today);
                }
            }
        }
        for (String ladderId : safety.claimDueLadders(day.clock().instant(), 1000)) {
            try {
                outbox.enqueue(ladders.step(ladderId));
                fired++;
            } catch (RuntimeException e) {
                LOG.error("ladder {} step failed, tried again in 30 s: {}", ladderId, e.toString());
                safety.retryLadder(ladderId, day.clock().instant().plusSeconds(30));
            }
        }
        return fired;
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

    /** The lease: true for exactly one caller per site, event and date, on any node. */
    private boolean claim(SiteEvent event, Site site, LocalDate date) {
        String key = key(event, site.code(), date);
        if (!done.add(key)) {
            return false;
        }
        return once.first(key, LEASE);
    }

    /**
     * Fires an event; if it fails half-way (Redis went away), gives the lease back so the next
     * sweep, here or on another node, fires it again — opening a ladder is idempotent.
     */
    private int fireOrRelease(SiteEvent event, Site site, LocalDate date) {
        try {
            fire(event, site, date);
            return 1;
        } catch (RuntimeException e) {
            String key = key(event, site.code(), date);
            LOG.error("{} at site {} failed, fired again on the next sweep: {}", event, site.code(), e.toString());
            done.remove(key);
            once.forget(key);
            return 0;
        }
    }

    private static String key(SiteEvent event, String siteCode, LocalDate date) {
        return "event:" + event + ":" + siteCode + ":" + date;
    }

    private void fire(SiteEvent event, Site site, LocalDate date) {
        LOG.info("{} at site {} for {}", event, site.code(), date);
        switch (event) {
            case NO_SHOW_CHECK -> eachChild(site, date, ChildState.EXPECTED,
                    child -> outbox.enqueue(ladders.open(LadderKind.NO_SHOW, site, child, date)));
            case PICKUP_REMINDER -> pickupReminders(site, date);
            case OVERDUE_CHECK -> overdue(site, date);
            case DROWNING_ALERT -> alerts.send("site:" + site.code(), "drowning",
                    SafetyLessons.drowning(date.toEpochDay()), TemplateKey.DROWNING_ALERT);
        }
    }

    private void pickupReminders(Site site, LocalDate date) {
        Map<String, DayRecord> records = care.day(site.code(), date);
        List<OutboundMessage> out = new ArrayList<>();
        for (Child child : care.roster(site.code())) {
            DayRecord r = records.get(child.id());
            if (r != null && r.state() == ChildState.ARRIVED && !r.escortRequested()) {
                Map<String, String> values = Map.of("child", child.name(), "site", site.name(),
                        "closes", CareDay.format(site.closes()));
                for (Guardian g : care.guardiansOf(child.id())) {
                    out.add(OutboundMessage.of(g.address(), TemplateKey.PICKUP_REMINDER, values, MessageClass.ROUTINE));
                }
            }
        }
        outbox.enqueue(out);
    }

    private void overdue(Site site, LocalDate date) {
        Map<String, DayRecord> records = care.day(site.code(), date);
        for (Child child : care.roster(site.code())) {
            DayRecord r = records.get(child.id());
            if (r != null && r.state() == ChildState.ARRIVED && !r.escortRequested()) {
                outbox.enqueue(ladders.open(LadderKind.OVERDUE, site, child, date));
            }
        }
    }

    private void eachChild(Site site, LocalDate date, ChildState state, java.util.function.Consumer<Child> action) {
        Map<String, DayRecord> records = care.day(site.code(), date);
        for (Child child : care.roster(site.code())) {
            DayRecord r = records.get(child.id());
            if ((r == null ? ChildState.EXPECTED : r.state()) == state) {
                action.accept(child);
            }
        }
    }
}
