package org.shouhu.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.shouhu.gateway.admin.AlertRequests;
import org.shouhu.gateway.admin.ApiRefusal;
import org.shouhu.gateway.admin.InvalidInput;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.report.AcknowledgementReport;
import org.shouhu.gateway.report.ReportRefused;
import org.shouhu.gateway.report.Reports;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.AlertProgress;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * Safety alerts in the console: {@code POST /console/alerts} sends one through the same
 * {@link AlertRequests} as {@code POST /api/alerts} (a coordinator within their county, a city admin
 * anywhere), and {@code /console/alerts/{id}} shows who has acknowledged it and who to call, kept
 * current by {@code alert.js} polling {@code …/live}. Phones are shown only of the sites the viewer may read.
 */
public final class AlertPages implements ConsoleSection {

    private static final Map<String, String> STATES = Map.of("pending", "正在准备", "sending", "正在发送", "done", "已发完");

    private final CareStore care;
    private final SafetyStore safety;
    private final AlertRequests requests;
    private final AlertProgress progress;
    private final Reports reports;
    private final CareDay day;
    private final RedisSessions sessions;
    private final Html html;

    public AlertPages(CareStore care, SafetyStore safety, AlertRequests requests, AlertProgress progress, Reports reports,
                      CareDay day, RedisSessions sessions, Html html) {
        this.care = care;
        this.safety = safety;
        this.requests = requests;
        this.progress = progress;
        this.reports = reports;
        this.day = day;
        this.sessions = sessions;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws JsonProcessingException {
        if (r.viewer().isStaff()) {
            throw Refusal.forbidden(); // staff tell their own site by broadcast; alerts are the county's and the city's
        }
        if (r.parts().size() == 1 && r.isPost()) {
            return send(r);
        }
        String id = r.part(1);
        if (id == null || r.isPost() || r.parts().size() > 3) {
            throw Refusal.notFound("这个页面");
        }
        Alert alert = safety.alert(id).filter(a -> !a.isNotice()).orElseThrow(() -> Refusal.notFound("这条警报"));
        if (!mayRead(r.viewer(), alert.scope())) {
            throw Refusal.forbidden();
        }
        String what = r.parts().size() == 3 ? r.part(2) : "";
        return switch (what) {
            case "" -> page(r, alert);
            case "live" -> CountyPages.json(live(r.viewer(), alert));
            default -> throw Refusal.notFound("这个页面");
        };
    }

    /** A city admin reads every alert; a coordinator those within their county and the city's (for their sites). */
    private boolean mayRead(Viewer v, String scope) {
        return v.isCity() || scope.equals("city") || requests.mayAlert(v, scope);
    }

    private HttpReply send(ConsoleRequest r) {
        String scope;
        try {
            scope = AlertRequests.scope(r.field("scope"));
        } catch (InvalidInput e) {
            throw new Refusal(400, "请选择发给哪里（一个托管点、全县或全市）。");
        }
        if (!requests.mayAlert(r.viewer(), scope)) {
            throw Refusal.forbidden();
        }
        AlertRequests.Started started;
        try {
            started = requests.start(scope, r.field("kind"), r.field("text"), r.field("tap"));
        } catch (InvalidInput e) {
            throw new Refusal(400, switch (e.field()) {
                case "text" -> "请写上警报内容：最多" + AlertRequests.ALERT_MAX + "个字，不能带网址或电话号码。";
                case "kind" -> "请选择警报的种类。";
                default -> "表单缺少编号，请刷新页面后再发。";
            });
        } catch (ApiRefusal e) {
            throw new Refusal(e.status(), e.status() == 404 ? "这个范围里没有托管点。" : "这个表单已经用过，请刷新页面后再发。");
        }
        sessions.flash(r.session(), started.repeated() ? "这条警报已经发过，没有重复发送。" : "警报已发出，正在发给家长。");
        return Html.seeOther("/console/alerts/" + Paths.segment(started.alert().id()));
    }

    private HttpReply page(ConsoleRequest r, Alert alert) {
        Map<String, Object> values = new HashMap<>(live(r.viewer(), alert));
        values.put("segment", Paths.segment(alert.id()));
        values.put("noneWaiting", ((List<?>) values.get("waiting")).isEmpty());
        values.put("hasElsewhere", (Integer) values.get("elsewhere") > 0);
        return html.page(200, "alert", "警报回复情况", r, sessions.takeFlash(r.session()).orElse(null), values);
    }

    /**
     * What the page shows and {@code …/live} answers: the alert, how its sending goes, how many
     * acknowledged, and who has not at the sites the viewer may read, with a phone to call.
     */
    private Map<String, Object> live(Viewer v, Alert alert) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", alert.id());
        out.put("text", alert.text());
        out.put("scope", scopeLabel(care, alert.scope()));
        out.put("sentAt", org.shouhu.gateway.report.Csv.dateTime(alert.sentAt(), day.zone()));
        AlertProgress.Progress p = progress.of(alert.id()).orElse(null);
        String state = p == null ? "pending" : p.state().name().toLowerCase(java.util.Locale.ROOT);
        out.put("state", STATES.getOrDefault(state, state));
        out.put("sent", p == null ? 0 : p.sent());
        out.put("delivered", p == null ? 0 : p.delivered());
        out.put("failed", p == null ? 0 : p.failed());
        AlertAcknowledgements.Count count = safety.acknowledgementCounts(List.of(alert.id())).get(alert.id());
        int recipients = count == null ? 0 : count.recipients();
        int acked = count == null ? 0 : count.acknowledged();
        out.put("recipients", recipients);
        out.put("acknowledged", acked);
        out.put("notAcknowledged", Math.max(0, recipients - acked));
        List<Map<String, Object>> waiting = new ArrayList<>();
        int elsewhere = 0;
        List<AcknowledgementReport.Row> rows = count == null ? List.of() : rows(alert.id());
        for (AcknowledgementReport.Row row : rows) {
            if (row.acknowledgedAt() != null) {
                continue;
            }
            List<AcknowledgementReport.Ward> mine = row.wards().stream().filter(w -> v.mayReadSite(w.site())).toList();
            if (mine.isEmpty()) {
                elsewhere++;
                continue;
            }
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("children", mine.stream().map(x -> x.child().name() + (x.relation() == null ? "" : "的" + x.relation()))
                    .distinct().collect(Collectors.joining("、")));
            w.put("site", mine.get(0).site().name());
            w.put("phone", row.phone() == null ? null : shown(row.phone()));
            w.put("tel", row.phone() == null ? null : "tel:" + row.phone());
            waiting.add(w);
        }
        out.put("waiting", waiting);
        out.put("elsewhere", elsewhere);
        return out;
    }

    private List<AcknowledgementReport.Row> rows(String id) {
        try {
            return reports.acknowledgements(id);
        } catch (ReportRefused e) {
            return List.of();
        }
    }

    /** {@code +8613912345678} as people read it: {@code 139 1234 5678}. */
    static String shown(String phone) {
        String n = phone.startsWith("+86") ? phone.substring(3) : phone;
        return n.matches("\\d{11}") ? n.substring(0, 3) + " " + n.substring(3, 7) + " " + n.substring(7) : n;
    }

    /** An alert's scope as the pages name it: 全市, 昭阳区全县, a site's name. */
    static String scopeLabel(CareStore care, String scope) {
        if (scope.equals("city")) {
            return "全市";
        }
        if (scope.startsWith("county:")) {
            return scope.substring("county:".length()) + "全县";
        }
        String code = scope.startsWith("site:") ? scope.substring("site:".length()) : scope;
        return care.site(code).map(s -> s.name()).orElse(code);
    }
}
