/**
 * The web console (issue 14), server-rendered pages under {@code /console/} for the people around
 * the sites: staff on a cheap phone at 360 px, coordinators and city admins at a desk.
 * {@link org.shouhu.gateway.console.ConsoleEndpoint} logs people in with a one-time code sent by
 * SMS (through the outbox, at reply priority), keeps a session cookie, checks every form's token
 * and audits every change; {@link org.shouhu.gateway.console.People} reads who a phone is from the
 * roster at each request, as a {@link org.shouhu.gateway.console.Viewer} that says what they may
 * see. Each first path segment is a {@link org.shouhu.gateway.console.ConsoleSection}:
 * {@link org.shouhu.gateway.console.SitePages} (a site's day and its taps, the command card),
 * {@link org.shouhu.gateway.console.CountyPages} (a county's sites today and its open escalations,
 * live), {@link org.shouhu.gateway.console.CityPage} (a row per county) and
 * {@link org.shouhu.gateway.console.AlertPages} (compose a drowning alert, watch who acknowledged,
 * call who did not); the county and city pages read many sites' day at once through {@code SitesToday}.
 * {@link org.shouhu.gateway.console.BroadcastPage} composes a site's notice with the whole SMS counted
 * and previewed, sends it as the {@code 通知} command through {@code ConsoleCommands} and shows its progress.
 * {@link org.shouhu.gateway.console.SeasonPages} draws a county's or the city's season with uPlot over a
 * table of the same numbers, and {@link org.shouhu.gateway.console.ExportPages} downloads the ledger,
 * escalations and acknowledgements as the report package's CSV; both ask through {@code ReportForm}.
 * {@link org.shouhu.gateway.console.VoicePage} lists a site's guardians with a phone and lets the captain
 * or the county mark who is phoned when an alert goes unanswered.
 * {@link org.shouhu.gateway.console.HealthPages} shows city admins the outbox's lanes, finish estimates,
 * provider errors and dead letters ({@link org.shouhu.gateway.console.DeliveryHealth}, read through the
 * metrics' {@code RedisGauges}), and {@link org.shouhu.gateway.console.TokenPages} lets each person make and
 * revoke their own API tokens.
 * A tap is the staff command it stands for, through the same care service as an SMS
 * ({@link org.shouhu.gateway.console.ConsoleCommands}). Pages are Mustache templates in
 * {@code console/} on the classpath, rendered by {@link org.shouhu.gateway.console.Html}; scripts,
 * styles and the chart library come from the jar ({@code Assets}), never a CDN.
 */
package org.shouhu.gateway.console;
