package org.shouhu.gateway.console;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.report.Csv;
import org.shouhu.gateway.report.ReportRange;
import org.shouhu.gateway.report.Reports;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.AuditLog;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * The exports ({@code /console/exports}, coordinators and city admins): a form for a site or a whole
 * county and a date range, and its three downloads — {@code attendance.csv} (the 台账),
 * {@code escalations.csv} and {@code acknowledgements.csv} — the report package's CSV files (UTF-8 with
 * a byte order mark) under a Chinese file name; each download is written to the audit log, since the
 * files name children and phones.
 */
public final class ExportPages implements ConsoleSection {

    /** One download: its file name in Chinese and how the reports write it. */
    private record Download(String title, BiFunction<Reports, ReportRange, Csv.File> file) {
    }

    private static final Map<String, Download> DOWNLOADS = Map.of(
            "attendance.csv", new Download("考勤台账", Reports::attendanceCsv),
            "escalations.csv", new Download("升级记录", Reports::escalationsCsv),
            "acknowledgements.csv", new Download("警报确认", Reports::acknowledgementsCsv));

    private final CareStore care;
    private final Reports reports;
    private final ReportForm form;
    private final CareDay day;
    private final AuditLog audit;
    private final Html html;

    public ExportPages(CareStore care, SafetyStore safety, Reports reports, CareDay day, AuditLog audit, Html html) {
        this.care = care;
        this.reports = reports;
        this.form = new ReportForm(safety, reports, day);
        this.day = day;
        this.audit = audit;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) {
        if (r.viewer().isStaff()) {
            throw Refusal.forbidden(); // a site's staff hand in nothing; the county's coordinator does
        }
        if (r.isPost() || r.parts().size() > 2) {
            throw Refusal.notFound("这个页面");
        }
        if (r.parts().size() == 1) {
            return page(r);
        }
        Download download = DOWNLOADS.get(r.part(1));
        if (download == null) {
            throw Refusal.notFound("这个文件");
        }
        int status = 500;
        try {
            HttpReply reply = download(r, download);
            status = reply.status();
            return reply;
        } catch (Refusal refused) {
            status = refused.status();
            throw refused;
        } finally { // who took (or tried to take) which children's records
            audit.append(r.viewer().audited(), day.clock().instant(), "GET /console/exports/" + r.part(1) + asked(r), status);
        }
    }

    /** The query as the audit log keeps it: what was asked, phones masked, each value cut at 80 characters. */
    private static String asked(ConsoleRequest r) {
        StringBuilder b = new StringBuilder();
        for (String name : List.of("scope", "from", "to")) {
            String v = r.call().queryParam(name);
            if (v != null) {
                b.append(b.length() == 0 ? "?" : "&").append(name).append('=').append(v.length() > 80 ? v.substring(0, 80) + "…" : v);
            }
        }
        return Phone.maskNumbers(b.toString());
    }

    private HttpReply download(ConsoleRequest r, Download download) {
        ReportRange range = form.range(r.viewer(), r.call().queryParam("scope"), r.call().queryParam("from"),
                r.call().queryParam("to"), false);
        Csv.File file = download.file().apply(reports, range);
        String name = download.title() + "-" + SeasonPages.label(range) + "-" + range.from() + "至" + range.to() + ".csv";
        return Html.secured(new HttpReply(200, "text/csv; charset=utf-8", file.bytes())
                .withHeader("Content-Disposition", disposition(file.name(), name)));
    }

    /**
     * An attachment named in Chinese ({@code filename*}, RFC 6266 and 5987), with the report's own ASCII
     * name for a client that reads only {@code filename}.
     */
    static String disposition(String ascii, String chinese) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : chinese.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private HttpReply page(ConsoleRequest r) {
        Viewer v = r.viewer();
        List<Site> sites = care.sites().stream().filter(s -> v.mayReadSite(s))
                .sorted(Comparator.comparing(Site::county).thenComparing(Site::code)).toList();
        Map<String, List<Site>> byCounty = new TreeMap<>();
        sites.forEach(s -> byCounty.computeIfAbsent(s.county(), c -> new ArrayList<>()).add(s));
        List<Map<String, Object>> counties = new ArrayList<>();
        byCounty.forEach((county, list) -> {
            List<Map<String, String>> options = new ArrayList<>();
            options.add(Map.of("value", "county:" + county, "label", county + "（全县" + list.size() + "个托管点）"));
            list.forEach(s -> options.add(Map.of("value", "site:" + s.code(), "label", s.name() + "（" + s.code() + "）")));
            counties.add(Map.of("county", county, "options", options));
        });
        LocalDate[] season = form.season(sites);
        Map<String, Object> values = new HashMap<>();
        values.put("counties", counties);
        values.put("noSites", counties.isEmpty());
        values.put("from", season[0].toString());
        LocalDate to = season[1].isAfter(day.today()) && !day.today().isBefore(season[0]) ? day.today() : season[1];
        values.put("to", to.toString()); // up to today: the days to come have no records yet
        values.put("maxDays", ReportRange.MAX_DAYS);
        return html.page(200, "exports", "导出台账", r, null, values);
    }
}
