/**
 * The county coordinator's reports: what a site's, a county's or the city's summer looked like,
 * read from what the care and safety stores already keep.
 *
 * <p>The tour:
 * <ul>
 *   <li>{@link org.shouhu.gateway.report.Reports} is the one door, for the admin API and the
 *       console's pages alike (the node's own is {@code Gateway.reports()}): a range, then the
 *       report of it as rows or as a CSV file.</li>
 *   <li>{@link org.shouhu.gateway.report.ReportRange} is the question every report answers: which
 *       sites ({@code site=}, {@code county=}, {@code city=all}) and which days ({@code from=}, {@code to=},
 *       at most 124); a question it cannot answer is a {@link org.shouhu.gateway.report.ReportRefused}
 *       with the status and what to change.</li>
 *   <li>{@link org.shouhu.gateway.report.AttendanceExport}: the attendance ledger (台账) a site or a
 *       county hands in, a row per child per day the site kept attendance.</li>
 *   <li>{@link org.shouhu.gateway.report.EscalationReport}: every escalation ladder (未到, 逾期未接)
 *       with the time of each step and how it ended, from the ladder's own log; each site keeps its
 *       ladders by day, so a county's season is a few round trips.</li>
 *   <li>{@link org.shouhu.gateway.report.AcknowledgementReport}: a row per guardian expected to
 *       acknowledge an alert ({@code 1}), with their children, a phone to call and when they did;
 *       for one alert, or for every alert sent to a range's sites (alerts are kept by when they were
 *       sent). Staff broadcasts are not acknowledged and are left out.</li>
 *   <li>{@link org.shouhu.gateway.report.SeasonReport}: a range day by day for charts — children
 *       expected and arrived, absent, no-shows, late pick-ups, escalations that reached the captain
 *       and the coordinator, the alerts' acknowledgement rate — null on days still to come; a
 *       county's season costs a few round trips per site, never one per child.</li>
 *   <li>{@link org.shouhu.gateway.report.Csv} writes every CSV file the same way: UTF-8 with a byte
 *       order mark for Excel, typed text kept from opening as a formula, phones kept as text.</li>
 * </ul>
 */
package org.shouhu.gateway.report;
