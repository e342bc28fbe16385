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
    private final AcknowledgementReport acknowledgements;
    private final SeasonReport season;
    private final AttendanceExport attendance;

    public Reports(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.escalations = new EscalationReport(care, safety, day.zone());
        this.acknowledgements = new AcknowledgementReport(care, safety, day.zone());
        this.season = new SeasonReport(care, safety, day);
        this.attendance = new AttendanceExport(care, day.zone());
    }

    /**
     * A site's or a county's range, as the exports take it ({@code county=…} or {@code site=…}, from, to).
     *
     * @throws ReportRefused 400 with what to change, or 404 when no site is in it
     */
    public ReportRange range(String county, String site, String from, String to) {
        return ReportRange.siteOrCounty(care, county, site, from, to);
    }

    /**
     * A site's, a county's or the whole city's range, as the season report takes it ({@code county=…},
     * {@code site=…} or {@code city=all}, from, to).
     *
     * @throws ReportRefused 400 with what to change, or 404 when no site is in it
     */
    public ReportRange range(String county, String site, String city, String from, String to) {
        return ReportRange.anyScope(care, county, site, city, from, to);
    }

    /**
     * The range day by day for charts: children expected and arrived, absent, no-shows, late pick-ups,
     * escalations that reached the captain and the coordinator, and the alerts' acknowledgement rate;
     * null on the days after today. {@link SeasonReport.Season#json} is what {@code GET /api/reports/season} answers.
     */
    public SeasonReport.Season season(ReportRange range) {
        return season.of(range);
    }

    /** The range's attendance ledger (台账) as the CSV file {@code attendance-{from}-{to}.csv}: a row per child per day kept. */
    public Csv.File attendanceCsv(ReportRange range) {
        return attendance.csv(range);
    }

    /** Every escalation ladder of the range, by day, site and when it opened. */
    public List<EscalationReport.Row> escalations(ReportRange range) {
        return escalations.rows(range);
    }

    /** {@link #escalations} as the CSV file {@code escalations-{from}-{to}.csv}. */
    public Csv.File escalationsCsv(ReportRange range) {
        return escalations.csv(range);
    }

    /**
     * A row per guardian expected to acknowledge each alert sent on the range's days to any of its
     * sites (of a county's or the city's alert, those at its sites), with when each did.
     */
    public List<AcknowledgementReport.Row> acknowledgements(ReportRange range) {
        return acknowledgements.rows(range);
    }

    /**
     * A row per guardian expected to acknowledge one alert, with when each did.
     *
     * @throws ReportRefused 400 for a malformed id or a staff broadcast, 404 for no such alert
     */
    public List<AcknowledgementReport.Row> acknowledgements(String alertId) {
        return acknowledgements.rows(alertId);
    }

    /** {@link #acknowledgements(ReportRange)} as the CSV file {@code acknowledgements-{from}-{to}.csv}. */
    public Csv.File acknowledgementsCsv(ReportRange range) {
        return acknowledgements.csv(range);
    }

    /** {@link #acknowledgements(String)} as the CSV file {@code acknowledgements-{alert id}.csv}. */
    public Csv.File acknowledgementsCsv(String alertId) {
        return acknowledgements.csv(alertId);
    }
}
