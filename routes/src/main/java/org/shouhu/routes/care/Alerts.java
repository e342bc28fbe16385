package org.shouhu.routes.care;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Safety alerts to every guardian in a scope — a site, a county ({@code county:威信县}) or the whole
 * city — recorded so that coordinators can see who has acknowledged ({@code 1}) and who has not.
 * A coordinator's alert and a staff broadcast are {@link #start started}: the alert and its job are
 * one write, answered at once, and the job is {@link #expandPending expanded} behind the answer by
 * whichever node claims it first; the scheduled alerts are {@link #send sent} in one go.
 */
public final class Alerts {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    /** How long an expansion that failed waits before it is tried again. */
    private static final java.time.Duration RETRY = java.time.Duration.ofSeconds(30);

    /** An alert started now ({@code repeated}: false), or the one started before under the same id. */
    public record Started(Alert alert, boolean repeated) {
    }

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;

    /** Told when an alert was started, so it is expanded soon (a node's own expander); nothing where tests drive it. */
    private final Runnable started;

    public Alerts(CareStore care, SafetyStore safety, CareDay day) {
        this(care, safety, day, () -> { });
    }

    /** {@code started}: asked to expand soon after each alert or broadcast is started (it must not block). */
    public Alerts(CareStore care, SafetyStore safety, CareDay day, Runnable started) {
        this.care = care;
        this.safety = safety;
        this.day = day;
        this.started = started;
    }

    /** A fresh alert id for an alert asked for without one of the console's. */
    public String newId() {
        return "a" + day.clock().instant().toEpochMilli() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /**
     * Records the alert and the job that expands it, in one atomic write, and returns at once: its
     * messages are queued behind the answer ({@link #expandPending}), which it asks for. An id started before is not
     * started again: the alert recorded then comes back, {@code repeated}.
     */
    public Started start(AlertJob job) {
        if (safety.startAlert(job)) {
            started.run();
            return new Started(job.alert(0), false);
        }
        return new Started(safety.alert(job.id())
                .orElseThrow(() -> new IllegalStateException("alert " + job.id() + " exists but cannot be read")), true);
    }

    /**
     * Claims pending alert jobs (any node's, once their claim ran out or their node died) and expands
     * each: its recipients worked out and its messages queued, once, with the job's done mark in the
     * same write. A job that fails is tried again in 30 s. Returns how many it expanded.
     */
    public int expandPending(int max) {
        int expanded = 0;
        for (String id : safety.claimAlertJobs(day.clock().instant(), max)) {
            try {
                if (expand(id)) {
                    expanded++;
                }
            } catch (RuntimeException e) {
                LOG.error("alert {} could not be expanded, tried again in 30 s: {}", id, e.toString());
                try {
                    safety.retryAlertJob(id, day.clock().instant().plus(RETRY));
                } catch (RuntimeException again) { // its claim runs out: taken again then
                    LOG.error("alert {}: tried again when its claim runs out: {}", id, again.toString());
                }
            }
        }
        return expanded;
    }

    /** Expands one claimed job; false when there was nothing left to do (expanded before). */
    private boolean expand(String id) {
        Optional<AlertJob> found = safety.alertJob(id);
        if (found.isEmpty()) {
            safety.dropAlertJob(id);
            return false;
        }
        AlertJob job = found.get();
        Set<Address> to = guardiansIn(job.scope());
        if (job.messageClass() != MessageClass.SAFETY) { // a notice is not for those who opted out
            to.removeAll(care.optedOutAmong(to));
        }
        List<Address> recipients = new ArrayList<>(to);
        Optional<List<OutboundMessage>> queued = safety.queueAlert(job.alert(recipients.size()), recipients,
                messages(recipients, job.text(), job.template(), job.values(), job.messageClass()));
        if (queued.isEmpty()) {
            safety.dropAlertJob(id);
            return false;
        }
        LOG.info("alert {} expanded: {} messages queued", id, queued.get().size());
        return true;
    }

    /**
     * Sends the alert with this id unless it was sent before (then empty): the scheduled alerts,
     * whose id names their site and day, and a coordinator's request sent again, so that firing
     * one again after a failure reaches no one twice. {@code values}: more for the template than the text.
     */
    public Optional<Alert> send(String id, String scope, String kind, String text, TemplateKey template,
                                Map<String, String> values) {
        Instant now = day.clock().instant();
        List<Address> recipients = new ArrayList<>(guardiansIn(scope));
        Alert alert = new Alert(id, scope, kind, text, now, recipients.size());
        return safety.queueAlert(alert, recipients, messages(recipients, text, template, values, MessageClass.SAFETY))
                .map(queued -> alert);
    }

    private static List<OutboundMessage> messages(List<Address> recipients, String text, TemplateKey template,
                                                  Map<String, String> values, MessageClass kind) {
        Map<String, String> params = new HashMap<>(values);
        params.put("text", text);
        params.put("lesson", text);
        List<OutboundMessage> messages = new ArrayList<>(recipients.size());
        for (Address to : recipients) {
            messages.add(OutboundMessage.of(to, template, params, kind));
        }
        return messages;
    }

    /** Every guardian address of the sites in a scope ({@code site:CODE}, {@code county:NAME}, {@code city}). */
    public Set<Address> guardiansIn(String scope) {
        Set<Address> out = new LinkedHashSet<>();
        if (scope.startsWith("site:")) { // the scheduled alerts: one site, found directly
            care.site(scope.substring("site:".length())).ifPresent(site -> out.addAll(care.guardianAddresses(site.code())));
            return out;
        }
        for (Site site : care.sites()) {
            if (inScope(site, scope)) {
                out.addAll(care.guardianAddresses(site.code()));
            }
        }
        return out;
    }

    /** Whether a scope names no site at all (a typo in a county name must not send to nobody silently). */
    public boolean isEmptyScope(String scope) {
        return care.sites().stream().noneMatch(s -> inScope(s, scope));
    }

    static boolean inScope(Site site, String scope) {
        return scope.equals("city") || scope.equals("site:" + site.code()) || scope.equals("county:" + site.county());
    }
}
