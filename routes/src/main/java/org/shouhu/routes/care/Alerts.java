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

/**
 * Safety alerts to every guardian in a scope — a site, a county ({@code county:威信县}) or the whole
 * city — recorded so that coordinators can see who has acknowledged ({@code 1}) and who has not.
 */
public final class Alerts {

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;

    public Alerts(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.safety = safety;
        this.day = day;
    }

    /** Sends an alert now (safety class: any hour); the text goes into {@code template} as {@code text} or {@code lesson}. */
    public Alert send(String scope, String kind, String text, TemplateKey template) {
        Instant now = day.clock().instant();
        return send("a" + now.toEpochMilli() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)),
                scope, kind, text, template, Map.of()).orElseThrow(); // a fresh random id was never sent before
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
        Map<String, String> params = new HashMap<>(values);
        params.put("text", text);
        params.put("lesson", text);
        List<OutboundMessage> messages = new ArrayList<>();
        for (Address to : recipients) {
            messages.add(OutboundMessage.of(to, template, params, MessageClass.SAFETY));
        }
        Alert alert = new Alert(id, scope, kind, text, now, recipients.size());
        return safety.queueAlert(alert, recipients, messages).map(queued -> alert);
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
