package org.shouhu.gateway.console;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import org.shouhu.gateway.report.ReportRange;
import org.shouhu.gateway.report.ReportRefused;
import org.shouhu.gateway.report.Reports;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.port.SafetyStore;

/**
 * The question the season page and the exports ask — whose sites ({@code scope=site:ZT0427},
 * {@code county:昭阳区} or {@code city}) and which days ({@code from}, {@code to}) — checked against
 * what the viewer may read and answered with a {@link ReportRange} from {@link Reports}, or refused
 * with a reason in Chinese that says what to change.
 */
final class ReportForm {

    private final SafetyStore safety;
    private final Reports reports;
    private final CareDay day;

    ReportForm(SafetyStore safety, Reports reports, CareDay day) {
        this.safety = safety;
        this.reports = reports;
        this.day = day;
    }

    /**
     * The range asked, for a viewer who may read all of it. With neither date given, the season of its
     * sites' schedules ({@link #season}). No scope is the coordinator's county, or for a city admin the
     * city when {@code cityWide} (the season page), else a 400.
     *
     * @param cityWide whether the whole city may be asked (the season page; the exports are per site or county)
     * @throws Refusal 400 for a question it cannot answer, 403 for sites not the viewer's, 404 when no site is in it
     */
    ReportRange range(Viewer v, String scope, String fromText, String toText, boolean cityWide) {
        String asked = blank(scope) ? defaultScope(v, cityWide) : scope.strip();
        String today = day.today().toString();
        ReportRange sites = sites(v, asked, cityWide, today, today);
        LocalDate from;
        LocalDate to;
        if (blank(fromText) && blank(toText)) {
            LocalDate[] season = season(sites.sites());
            from = season[0];
            to = season[1];
        } else {
            from = date("开始日期", fromText);
            to = date("结束日期", toText);
        }
        if (to.isBefore(from)) {
            throw new Refusal(400, "结束日期（" + to + "）早于开始日期（" + from + "），请改一下。");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > ReportRange.MAX_DAYS) {
            throw new Refusal(400, "一次最多" + ReportRange.MAX_DAYS + "天，" + from + "到" + to + "是" + days + "天，请缩短日期范围。");
        }
        return new ReportRange(sites.scope(), sites.sites(), from, to); // the sites do not depend on the days
    }

    /** The sites of a scope over these days, once the viewer is known to may read them. */
    private ReportRange sites(Viewer v, String scope, boolean cityWide, String from, String to) {
        ReportRange range;
        try {
            if (scope.equals("city")) {
                if (!cityWide || !v.isCity()) {
                    throw cityWide ? Refusal.forbidden() : new Refusal(400, "请选择一个托管点或一个区县。");
                }
                range = reports.range(null, null, "all", from, to);
            } else if (scope.startsWith("county:") && !blank(scope.substring(7))) {
                if (!v.mayReadCounty(scope.substring(7).strip())) {
                    throw Refusal.forbidden();
                }
                range = reports.range(scope.substring(7), null, null, from, to);
            } else if (scope.startsWith("site:") && !blank(scope.substring(5))) {
                range = reports.range(null, scope.substring(5), null, from, to);
                if (!v.mayReadSite(range.sites().get(0))) {
                    throw Refusal.forbidden();
                }
            } else {
                throw new Refusal(400, "请从列表里选择托管点或区县。");
            }
        } catch (ReportRefused e) {
            throw e.status() == 404 ? Refusal.notFound("这个范围里的托管点") : new Refusal(400, "请从列表里选择托管点或区县。");
        }
        return range;
    }

    private static String defaultScope(Viewer v, boolean cityWide) {
        if (v.isCity()) {
            if (cityWide) {
                return "city";
            }
            throw new Refusal(400, "请选择一个托管点或一个区县。");
        }
        return "county:" + v.county();
    }

    /**
     * The days a report shows when none are asked: from the earliest first day of the sites' schedules
     * to the latest last day (a site with none: the last 30 days up to today), at most
     * {@value ReportRange#MAX_DAYS} days, ending where the season does.
     */
    LocalDate[] season(List<Site> sites) {
        LocalDate today = day.today();
        List<SiteSchedule> schedules = sites.stream().map(s -> safety.schedule(s.code())).toList();
        LocalDate from = schedules.stream().map(SiteSchedule::from).filter(Objects::nonNull).min(LocalDate::compareTo)
                .orElse(today.minusDays(29));
        LocalDate to = schedules.stream().map(SiteSchedule::to).filter(Objects::nonNull).max(LocalDate::compareTo)
                .orElse(today);
        if (to.isBefore(from)) {
            to = from;
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > ReportRange.MAX_DAYS) {
            from = to.minusDays(ReportRange.MAX_DAYS - 1);
        }
        return new LocalDate[] {from, to};
    }

    private static LocalDate date(String label, String text) {
        if (blank(text)) {
            throw new Refusal(400, "请填写" + label + "，例如 2026-07-01。");
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            String typed = text.strip();
            throw new Refusal(400, label + "要写成 2026-07-01 这样的日期，“" + (typed.length() > 20 ? typed.substring(0, 20) + "…" : typed)
                    + "”不是。");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
