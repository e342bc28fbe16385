/**
 * The care domain. Sites, staff, children and guardians ({@link org.shouhu.routes.care.Site},
 * {@link org.shouhu.routes.care.StaffMember}, {@link org.shouhu.routes.care.Child},
 * {@link org.shouhu.routes.care.Guardian}), registrations, and each child's day
 * ({@link org.shouhu.routes.care.DayRecord}). {@link org.shouhu.routes.care.CareService} takes a
 * parsed command from an identified {@link org.shouhu.routes.care.Sender}, checks what that
 * sender may do, stores the effect, and returns the messages that follow: guardians' actions in
 * {@code GuardianActions}, staff's in {@code StaffActions}; both change day records through
 * {@code DayRecords}, which compares and sets, so people acting at once never overwrite each other.
 * The safety loop — {@link org.shouhu.routes.care.SafetyService} (timed site events, the due sites
 * fired on a pool of threads),
 * {@link org.shouhu.routes.care.EscalationLadders} (no-show and overdue ladders, with a phone call to
 * voice-first guardians — {@link org.shouhu.routes.care.Guardian#voiceFirst}, or all at a voice site —
 * when their alert goes unanswered for {@link org.shouhu.routes.care.SafetySettings#voiceAfter}) and
 * {@link org.shouhu.routes.care.Alerts} (drowning alerts, each queued once per id; coordinators' alerts
 * and staff broadcasts started as an {@link org.shouhu.routes.care.AlertJob} and expanded behind the
 * answer), with {@link org.shouhu.routes.care.AlertProgress} (queued / sent / delivered / failed and a
 * finish estimate) and {@link org.shouhu.routes.care.SendingTime} (how long, at the pacer's rates) — and {@link org.shouhu.routes.care.ChatBinding}
 * (parents' chat accounts; invite codes and approvals are the captain's unless the site lets
 * volunteers) live here too. {@link org.shouhu.routes.care.TextBudget} keeps lists and
 * notices inside their SMS segment budget; {@link org.shouhu.routes.care.Retention} says when a
 * date's data is past its season's end plus the retention days.
 */
package org.shouhu.routes.care;
