package org.shouhu.gateway.report;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;

/**
 * Which sites and days a report covers: one site, a county's or the whole city's, from one date to
 * another (both included, at most {@value #MAX_DAYS} days), as asked with {@code county=|site=|city=all&from=&to=}.
 *
 * @param scope named as alerts name theirs: {@code site:ZT0427}, {@code county:昭阳区} or {@code city}
 * @param sites the sites it covers, by code
 */
public record ReportRange(String scope, List<Site> sites, LocalDate from, LocalDate to) {

    /** The longest range one report covers: a summer and a little more. */
    public static final int MAX_DAYS = 124;

    /** A site code as {@code SiteInput.code} takes one (there upper-cased): never a key of another kind. */
    private static final Pattern SITE_CODE = Pattern.compile("[A-Za-z0-9]{2,16}");

    public ReportRange {
        sites = List.copyOf(sites);
    }

    /**
     * A site's or a county's range ({@code county=…} or {@code site=…}, not both), as the exports take it.
     *
     * @throws ReportRefused 400 for a question it cannot answer (what to change), 404 for no such site or county
     */
    public static ReportRange siteOrCounty(CareStore care, String county, String site, String from, String to) {
        if (given(county) == given(site)) {
            throw new ReportRefused(400, "give either county=… or site=…, not both and not neither");
        }
        return resolve(care, county, site, false, from, to, "export");
    }

    /**
     * A site's, a county's or the whole city's range ({@code county=…}, {@code site=…} or {@code city=all}:
     * one of them).
     *
     * @throws ReportRefused 400 for a question it cannot answer (what to change), 404 for no such site or county
     */
    public static ReportRange anyScope(CareStore care, String county, String site, String city, String from, String to) {
        int scopes = (given(county) ? 1 : 0) + (given(site) ? 1 : 0) + (given(city) ? 1 : 0);
        if (scopes != 1) {
            throw new ReportRefused(400, "give one of county=…, site=… or city=all, not several and not none");
        }
        if (given(city) && !city.strip().equals("all")) {
            throw new ReportRefused(400, "city=all is the whole city's report, not city=" + city.strip()
                    + "; for a county give county=…");
        }
        return resolve(care, county, site, given(city), from, to, "report");
    }

    private static ReportRange resolve(CareStore care, String county, String site, boolean city, String fromText, String toText,
                                       String what) {
        if (given(site) && !SITE_CODE.matcher(site.strip()).matches()) {
            throw new ReportRefused(400, "site must be a site code of 2 to 16 letters or digits, like ZT0427, not " + site.strip());
        }
        LocalDate from = date("from", fromText);
        LocalDate to = date("to", toText);
        if (to.isBefore(from)) {
            throw new ReportRefused(400, "to (" + to + ") is before from (" + from + ")");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_DAYS) {
            throw new ReportRefused(400, "at most " + MAX_DAYS + " days in one " + what + ", not " + days);
        }
        if (city) {
            List<Site> all = care.sites().stream().sorted(Comparator.comparing(Site::code)).toList();
            if (all.isEmpty()) {
                throw new ReportRefused(404, "no sites yet");
            }
            return new ReportRange("city", all, from, to);
        }
        if (given(county)) {
            String name = county.strip();
            List<Site> sites = care.sites().stream().filter(s -> name.equals(s.county()))
                    .sorted(Comparator.comparing(Site::code)).toList();
            if (sites.isEmpty()) {
                throw new ReportRefused(404, "no sites in county " + name);
            }
            return new ReportRange("county:" + name, sites, from, to);
        }
        String code = site.strip().toUpperCase(Locale.ROOT);
        Site found = care.site(code).orElseThrow(() -> new ReportRefused(404, "no site " + code));
        return new ReportRange("site:" + code, List.of(found), from, to);
    }

    /** Every day of the range, in order. */
    public List<LocalDate> days() {
        return from.datesUntil(to.plusDays(1)).toList();
    }

    public List<String> siteCodes() {
        return sites.stream().map(Site::code).toList();
    }

    /** Whether every guardian an alert to {@code alertScope} went to is at a site of this range (its whole count belongs here). */
    public boolean holdsAllOf(String alertScope) {
        if (scope.equals("city") || scope.equals(alertScope)) {
            return true;
        }
        return scope.startsWith("county:") && alertScope.startsWith("site:")
                && sites.stream().anyMatch(s -> alertScope.equals("site:" + s.code()));
    }

    /** Whether an alert to {@code alertScope} went to guardians at any site of this range. */
    public boolean reaches(String alertScope) {
        return alertScope.equals("city") || sites.stream()
                .anyMatch(s -> alertScope.equals("site:" + s.code()) || alertScope.equals("county:" + s.county()));
    }

    private static boolean given(String param) {
        return param != null && !param.isBlank();
    }

    private static LocalDate date(String name, String text) {
        if (!given(text)) {
            throw new ReportRefused(400, name + " is required: a date like 2026-07-01");
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new ReportRefused(400, name + " must be a date like 2026-07-01, not " + text.strip());
        }
    }
}
