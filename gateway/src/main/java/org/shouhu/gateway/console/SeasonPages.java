package org.shouhu.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.report.ReportRange;
import org.shouhu.gateway.report.Reports;
import org.shouhu.gateway.report.SeasonReport;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * The season view ({@code /console/season}, coordinators their county, city admins the city or any
 * county): {@code season.js} draws the days' attendance, escalations and acknowledgement rate with
 * uPlot from {@code /console/season/data} ({@link SeasonReport.Season#json}, as {@code /api/reports/season}
 * answers), and the page lists the same numbers in a plain table for small screens and screen readers.
 */
public final class SeasonPages implements ConsoleSection {

    private static final String[] WEEKDAYS = {"一", "二", "三", "四", "五", "六", "日"};

    private final CareStore care;
    private final Reports reports;
    private final ReportForm form;
    private final Html html;

    public SeasonPages(CareStore care, SafetyStore safety, Reports reports, CareDay day, Html html) {
        this.care = care;
        this.reports = reports;
        this.form = new ReportForm(safety, reports, day);
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws JsonProcessingException {
        if (r.viewer().isStaff()) {
            throw Refusal.forbidden(); // staff see their own day; the season is the county's and the city's
        }
        if (r.isPost() || r.parts().size() > 2) {
            throw Refusal.notFound("这个页面");
        }
        String what = r.parts().size() == 2 ? r.part(1) : "";
        if (!what.isEmpty() && !what.equals("data")) {
            throw Refusal.notFound("这个页面");
        }
        ReportRange range = form.range(r.viewer(), r.call().queryParam("scope"), r.call().queryParam("from"),
                r.call().queryParam("to"), true);
        SeasonReport.Season season = reports.season(range);
        return what.isEmpty() ? page(r, range, season) : CountyPages.json(season.json());
    }

    private HttpReply page(ConsoleRequest r, ReportRange range, SeasonReport.Season season) {
        Map<String, Object> values = new HashMap<>();
        values.put("charts", true);
        values.put("scopeLabel", label(range));
        values.put("choices", choices(r.viewer(), range));
        values.put("from", range.from().toString());
        values.put("to", range.to().toString());
        values.put("sites", range.sites().size());
        values.put("data", "/console/season/data?scope=" + Paths.segment(range.scope()) + "&from=" + range.from() + "&to=" + range.to());
        List<Map<String, Object>> rows = rows(season);
        values.put("rows", rows);
        values.put("noRows", rows.isEmpty());
        return html.page(200, "season", "季度统计", r, null, values);
    }

    /** The table: a row per day up to today (the days still to come have no numbers yet). */
    private static List<Map<String, Object>> rows(SeasonReport.Season s) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < s.days().size(); i++) {
            if (s.expected().get(i) == null) {
                continue;
            }
            LocalDate d = s.days().get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("date", d.toString());
            row.put("day", d.getMonthValue() + "/" + d.getDayOfMonth());
            row.put("weekday", "周" + WEEKDAYS[d.getDayOfWeek().getValue() - 1]);
            row.put("expected", s.expected().get(i));
            row.put("arrived", s.arrived().get(i));
            row.put("absent", s.absent().get(i));
            row.put("noShows", s.noShows().get(i));
            row.put("latePickups", s.latePickups().get(i));
            row.put("reachedCaptain", s.reachedCaptain().get(i));
            row.put("reachedCoordinator", s.reachedCoordinator().get(i));
            Double rate = s.ackRate().get(i);
            if (rate != null) {
                row.put("ackRate", Math.round(rate * 100) + "%");
                row.put("ackCount", s.acked().get(i) + "/" + s.ackExpected().get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** What the form offers: a city admin the city and every county; a coordinator their county and its sites. */
    private List<Map<String, Object>> choices(Viewer v, ReportRange range) {
        String selected = range.scope();
        List<Map<String, Object>> choices = new ArrayList<>();
        if (v.isCity()) {
            choices.add(choice("city", "全市", selected));
            new TreeSet<>(care.sites().stream().map(Site::county).toList())
                    .forEach(c -> choices.add(choice("county:" + c, c, selected)));
        } else {
            choices.add(choice("county:" + v.county(), v.county() + "（全县）", selected));
            care.sites().stream().filter(s -> v.county().equals(s.county())).sorted(java.util.Comparator.comparing(Site::code))
                    .forEach(s -> choices.add(choice("site:" + s.code(), s.name() + "（" + s.code() + "）", selected)));
        }
        if (choices.stream().noneMatch(c -> Boolean.TRUE.equals(c.get("selected")))) {
            choices.add(choice(selected, label(range), selected)); // a site a city admin asked for by its address
        }
        return choices;
    }

    private static Map<String, Object> choice(String value, String label, String selected) {
        return Map.of("value", value, "label", label, "selected", value.equals(selected));
    }

    /** The range as the heading names it. */
    static String label(ReportRange range) {
        if (range.scope().equals("city")) {
            return "全市";
        }
        if (range.scope().startsWith("county:")) {
            return range.scope().substring("county:".length());
        }
        Site s = range.sites().get(0);
        return s.name() + "（" + s.code() + "）";
    }
}
