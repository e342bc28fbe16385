package org.shouhu.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * A county's dashboard ({@code /console/counties/{county}}): every site's day, every open
 * escalation with its step and age (red once it reached the coordinator), kept current by
 * {@code county.js} polling {@code …/live}; the drowning-alert composer and the county's recent
 * alerts. For the county's coordinator and city admins.
 */
public final class CountyPages implements ConsoleSection {

    /** How far back the page lists alerts. */
    static final Duration RECENT_ALERTS = Duration.ofDays(7);
    /** The kinds the composer offers (any but a staff broadcast's is an alert's). */
    static final List<Map<String, String>> KINDS = List.of(Map.of("value", "drowning", "label", "防溺水"),
            Map.of("value", "flood", "label", "山洪暴雨"), Map.of("value", "other", "label", "其他安全提醒"));
    static final ObjectMapper JSON = new ObjectMapper();

    private final CareStore care;
    private final SafetyStore safety;
    private final SitesToday today;
    private final CareDay day;
    private final RedisSessions sessions;
    private final Html html;

    public CountyPages(CareStore care, SafetyStore safety, CareDay day, RedisSessions sessions, Html html) {
        this.care = care;
        this.safety = safety;
        this.today = new SitesToday(care, safety, day);
        this.day = day;
        this.sessions = sessions;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws JsonProcessingException {
        String county = r.part(1);
        if (county == null || !r.viewer().mayReadCounty(county)) {
            throw Refusal.forbidden();
        }
        List<Site> sites = today.sitesOf(county);
        if (sites.isEmpty()) {
            throw Refusal.notFound("这个区县的托管点");
        }
        if (r.isPost()) {
            throw Refusal.notFound("这个操作");
        }
        String what = r.parts().size() > 2 ? r.part(2) : "";
        SitesToday.Day now = today.read(sites);
        return switch (what) {
            case "" -> page(r, county, sites, now);
            case "live" -> json(now);
            default -> throw Refusal.notFound("这个页面");
        };
    }

    static HttpReply json(Object value) throws JsonProcessingException {
        return Html.secured(HttpReply.json(200, JSON.writeValueAsString(value)));
    }

    private HttpReply page(ConsoleRequest r, String county, List<Site> sites, SitesToday.Day now) {
        Map<String, Object> values = new HashMap<>();
        values.put("county", county);
        values.put("countySegment", Paths.segment(county));
        values.put("day", now);
        values.put("noEscalations", now.escalations().isEmpty());
        List<Map<String, String>> scopes = new ArrayList<>();
        scopes.add(Map.of("value", "county:" + county, "label", "全县（" + county + "所有托管点）"));
        sites.forEach(s -> scopes.add(Map.of("value", "site:" + s.code(), "label", s.name() + "（" + s.code() + "）")));
        if (r.viewer().isCity()) {
            scopes.add(Map.of("value", "city", "label", "全市"));
        }
        values.put("scopes", scopes);
        values.put("kinds", KINDS);
        values.put("tap", Secrets.newToken());
        values.put("alerts", recentAlerts(county, sites));
        return html.page(200, "county", county, r, sessions.takeFlash(r.session()).orElse(null), values);
    }

    /** The alerts of the last week that reached this county (its sites', its own, the city's), newest first, with their acknowledgements. */
    private List<Map<String, Object>> recentAlerts(String county, List<Site> sites) {
        Instant now = day.clock().instant();
        java.util.Set<String> scopes = new java.util.HashSet<>(List.of("city", "county:" + county));
        sites.forEach(s -> scopes.add("site:" + s.code()));
        List<Alert> alerts = new ArrayList<>(safety.alertsSent(now.minus(RECENT_ALERTS), now.plusMillis(1)).stream()
                .filter(a -> scopes.contains(a.scope())).toList());
        java.util.Collections.reverse(alerts);
        Map<String, AlertAcknowledgements.Count> counts = alerts.isEmpty() ? Map.of()
                : safety.acknowledgementCounts(alerts.stream().map(Alert::id).toList());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Alert a : alerts) {
            AlertAcknowledgements.Count c = counts.get(a.id());
            Map<String, Object> row = new HashMap<>();
            row.put("id", a.id());
            row.put("segment", Paths.segment(a.id()));
            row.put("text", a.text());
            row.put("scope", AlertPages.scopeLabel(care, a.scope()));
            row.put("sentAt", org.shouhu.gateway.report.Csv.dateTime(a.sentAt(), day.zone()));
            row.put("acknowledged", c == null ? 0 : c.acknowledged());
            row.put("recipients", c == null ? 0 : c.recipients());
            rows.add(row);
        }
        return rows;
    }
}
