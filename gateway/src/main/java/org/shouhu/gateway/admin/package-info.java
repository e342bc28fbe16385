/**
 * The county coordinator's door: a JSON API to set up sites, staff and children and to check a
 * site's day, and the rules for what a coordinator may enter, which the CSV import shares.
 *
 * <p>The tour:
 * <ul>
 *   <li>{@link org.shouhu.gateway.admin.AdminApi} answers everything under {@code /api/}: checks the
 *       bearer token ({@link org.shouhu.gateway.admin.BearerToken}, constant time), routes by path
 *       and method, and turns every refusal into a status with {@code {"error": "…"}}.</li>
 *   <li>{@link org.shouhu.gateway.admin.PrivacyAdmin} removes staff, children (erased) and sites,
 *       exports a child's data, and appends every
 *       change to the audit log; {@link org.shouhu.gateway.admin.SafetyAdmin} is the safety side;
 *       the exports ({@link org.shouhu.gateway.report.Reports}: the attendance ledger 台账, escalations,
 *       acknowledgements) are read through it as CSV, and their reading is audited too.</li>
 *   <li>{@link org.shouhu.gateway.admin.SiteInput}, {@link org.shouhu.gateway.admin.StaffInput},
 *       {@link org.shouhu.gateway.admin.ChildInput} and {@link org.shouhu.gateway.admin.GuardianInput}
 *       are the input rules, in one place: each {@code parse} cleans what was typed the way inbound
 *       SMS are cleaned ({@link org.shouhu.gateway.admin.Typed}: full-width to half-width, spaces
 *       trimmed) and throws {@link org.shouhu.gateway.admin.InvalidInput} naming the field and the
 *       reason. The limits come from SMS: a site name fits one segment, a child's name is what
 *       guardians type and holds no digits (digits are roster numbers).</li>
 *   <li>{@link org.shouhu.gateway.admin.AdminIds} checks every id a call names (site code, child id,
 *       guardian address, county, alert id) before any store sees it, by its position in the path:
 *       a malformed one is a 400 with the reason, never a Redis key of another kind.</li>
 *   <li>{@link org.shouhu.gateway.admin.JsonBody} reads a request body strictly (one object, known
 *       fields, text where text is due), so a typo is a 400 rather than a silently missing value.</li>
 *   <li>{@link org.shouhu.gateway.admin.SiteView}, {@link org.shouhu.gateway.admin.StaffView},
 *       {@link org.shouhu.gateway.admin.ChildAdded}, {@link org.shouhu.gateway.admin.TodayView} (with each
 *       child's voice-first guardians and the day's ladders, the voice call's lines among their steps) and
 *       {@link org.shouhu.gateway.admin.MessageView} are the answers, as Jackson writes them.</li>
 * </ul>
 *
 * <p>Answers show full phone numbers and children's names: they are the coordinator's own data.
 * Logs show neither: phones are masked and children appear by id.
 */
package org.shouhu.gateway.admin;
