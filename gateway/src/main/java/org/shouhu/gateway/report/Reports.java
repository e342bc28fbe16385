package org.shouhu.gateway.report;

import java.util.List;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * The coordinator's reports in one place, for the admin API and the console's pages alike: ask for a
 * {@link ReportRange} with {@link #range}, then for the report of it, as rows to show or as a CSV
 * file to download. Every call reads Redis (see each report for what it costs) and writes nothing.
 */
public final class Reports {

    private final CareStore care;
    private final EscalationReport escalations;

    public Reports(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.escalations = new EscalationReport(care, safety, day.zone());
    }

    /**
     * A site's or a county's range, as the exports take it ({@code county=…} or {@code site=…}, from, to).
     *
     * @throws ReportRefused 400 with what to change, or 404 when no site is in it
     */
    public ReportRange range(String county, String site, String from, String to) {
        return ReportRange.siteOrCounty(care, county, site, from, to);
    }

    /** Every escalation ladder of the range, by day, site and when it opened. */
    public List<EscalationReport.Row> escalations(ReportRange range) {
        return escalations.rows(range);
    }

    /** {@link #escalations} as the CSV file {@code escalations-{from}-{to}.csv}. */
    public Csv.File escalationsCsv(ReportRange range) {
        return escalations.csv(range);
    }
}
