package org.shouhu.routes.care;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;

/** What site staff do by SMS: check children in and out, see who is missing, approve registrations, broadcast. */
final class StaffActions {

    private final CareStore store;
    private final EscalationLadders ladders;
    private final Lessons lessons;
    private final CareDay day;
    private final TextBudget budget;
    private final DayRecords dayRecords;
    private final Alerts alerts;
    private final AlertProgress progress;
    private final SafetyStore safety;
    private final Pacer pacer;

    StaffActions(CareStore store, EscalationLadders ladders, Lessons lessons, CareDay day, TextBudget budget,
                 Alerts alerts, AlertProgress progress, SafetyStore safety, Pacer pacer) {
        this.store = store;
        this.alerts = alerts;
        this.progress = progress;
        this.safety = safety;
        this.pacer = pacer;
        this.dayRecords = new DayRecords(store);
        this.lessons = lessons;
        this.ladders = ladders;
        this.day = day;
        this.budget = budget;
    }

    /**
     * {@code 到 3 5 7}: each child not yet in is checked in and every guardian told (the notices are
     * queued with the check-in, in one atomic step); repeats notify no one.
     */
    void checkIn(StaffMember member, List<Integer> rosterNos, Outgoing out) {
        Roster roster = Roster.of(store, member.siteCode(), rosterNos);
        if (!roster.unknown().isEmpty()) {
            out.reply(TemplateKey.NO_SUCH_ROSTER_NO, roster.unknownValues());
        }
        if (roster.found().isEmpty()) {
            return;
        }
        Site site = site(member);
        LocalDate today = day.today();
        LocalTime now = day.time();
        Map<String, DayRecord> records = store.day(site.code(), today);
        Map<String, List<Guardian>> guardians = store.guardiansOf(roster.found().stream().map(Child::id).distinct().toList());
        Map<String, Child> byId = roster.byId();
        dayRecords.update(site.code(), today, roster.found(), records,
                r -> r.state() == ChildState.ARRIVED ? Optional.empty() : Optional.of(r.arrived(now)),
                after -> notices(guardians.get(after.childId()), TemplateKey.ARRIVAL, Map.of("child",
                        byId.get(after.childId()).name(), "time", CareDay.format(now), "site", site.name())));
        // every child now in, not only those this message checked in: a try that failed after its
        // check-in was stored left their ladders open, and closing a closed ladder does nothing
        ladders.close(roster.found().stream().distinct().filter(c -> stateOf(records, c) == ChildState.ARRIVED).toList(),
                LadderKind.NO_SHOW, "checked-in");
        long missing = roster.all().stream()
                .filter(c -> stateOf(records, c) == ChildState.EXPECTED).count();
        Map<String, String> values = Map.of("count", String.valueOf(roster.found().size()),
                "missing", String.valueOf(missing));
        out.reply(TemplateKey.CHECKED_IN, withList(TemplateKey.CHECKED_IN, values, labels(roster.found())));
    }

    /** {@code 走 3 [奶奶]}: each child still on site is checked out and every guardian told who picked up (queued with it). */
    void checkOut(StaffMember member, List<Integer> rosterNos, String pickedUpBy, Outgoing out) {
        Roster roster = Roster.of(store, member.siteCode(), rosterNos);
        if (!roster.unknown().isEmpty()) {
            out.reply(TemplateKey.NO_SUCH_ROSTER_NO, roster.unknownValues());
        }
        if (roster.found().isEmpty()) {
            return;
        }
        Site site = site(member);
        LocalDate today = day.today();
        LocalTime now = day.time();
        String by = pickedUpBy == null || pickedUpBy.isBlank() ? null : GuardianActions.clip(pickedUpBy.strip(), 10);
        Map<String, DayRecord> records = store.day(site.code(), today);
        Map<String, List<Guardian>> guardians = store.guardiansOf(roster.found().stream().map(Child::id).distinct().toList());
        Map<String, Child> byId = roster.byId();
        dayRecords.update(site.code(), today, roster.found(), records,
                r -> r.state() == ChildState.LEFT ? Optional.empty() : Optional.of(r.left(now, by)),
                after -> {
                    Map<String, String> values = new HashMap<>(Map.of("child", byId.get(after.childId()).name(),
                            "time", CareDay.format(now), "site", site.name()));
                    if (by != null) {
                        values.put("by", by);
                    }
                    return notices(guardians.get(after.childId()), TemplateKey.PICKUP, values);
                });
        ladders.close(roster.found().stream().distinct().filter(c -> stateOf(records, c) == ChildState.LEFT).toList(),
                LadderKind.OVERDUE, "picked-up"); // every child gone, as on check-in
        long present = roster.all().stream().filter(c -> stateOf(records, c) == ChildState.ARRIVED).count();
        Map<String, String> values = Map.of("count", String.valueOf(roster.found().size()),
                "present", String.valueOf(present));
        out.reply(TemplateKey.CHECKED_OUT, withList(TemplateKey.CHECKED_OUT, values, labels(roster.found())));
    }

    /**
     * {@code 缺 3 5}: each child not yet in is recorded as staying home today (a family told staff in
     * person or by phone), its guardians told and its no-show escalation closed; a child already in or
     * gone keeps its record.
     */
    void markAbsent(StaffMember member, List<Integer> rosterNos, Outgoing out) {
        Roster roster = Roster.of(store, member.siteCode(), rosterNos);
        if (!roster.unknown().isEmpty()) {
            out.reply(TemplateKey.NO_SUCH_ROSTER_NO, roster.unknownValues());
        }
        if (roster.found().isEmpty()) {
            return;
        }
        Site site = site(member);
        LocalDate today = day.today();
        Map<String, DayRecord> records = store.day(site.code(), today);
        Map<String, List<Guardian>> guardians = store.guardiansOf(roster.found().stream().map(Child::id).distinct().toList());
        Map<String, Child> byId = roster.byId();
        dayRecords.update(site.code(), today, roster.found(), records,
                r -> r.state() == ChildState.EXPECTED ? Optional.of(r.absent()) : Optional.empty(),
                after -> notices(guardians.get(after.childId()), TemplateKey.ABSENCE_BY_STAFF, Map.of("child",
                        byId.get(after.childId()).name(), "site", site.name())));
        List<Child> absent = roster.found().stream().distinct().filter(c -> stateOf(records, c) == ChildState.ABSENT).toList();
        ladders.close(absent, LadderKind.NO_SHOW, "absent"); // as for a guardian's 2; a retry closes what a failed try left open
        out.reply(TemplateKey.ABSENT_MARKED, absent.isEmpty() ? Map.of() // all of them in or gone: the template says so
                : withList(TemplateKey.ABSENT_MARKED, Map.of("count", String.valueOf(absent.size())), labels(absent)));
    }

    /** {@code 未到}: children expected today who are neither checked in nor reported absent. */
    void listMissing(StaffMember member, Outgoing out) {
        List<Child> roster = store.roster(member.siteCode());
        Map<String, DayRecord> records = store.day(member.siteCode(), day.today());
        List<String> missing = roster.stream()
                .filter(c -> stateOf(records, c) == ChildState.EXPECTED)
                .map(c -> c.label() + (escort(records, c) ? "(护送)" : ""))
                .toList();
        if (missing.isEmpty()) {
            out.reply(TemplateKey.MISSING_NONE);
            return;
        }
        Map<String, String> values = new HashMap<>(Map.of("count", String.valueOf(missing.size()), "more", "1"));
        int room = budget.room(TemplateKey.MISSING_LIST, "list", values);
        TextBudget.Fitted fitted = TextBudget.fit(missing, " ", room);
        values.put("list", fitted.text());
        if (fitted.leftOut() == 0) {
            values.remove("more");
        }
        out.reply(TemplateKey.MISSING_LIST, values);
    }

    /** {@code 名单}: today's counts, the numbers still missing and the escorts asked for. */
    void rosterSummary(StaffMember member, Outgoing out) {
        List<Child> roster = store.roster(member.siteCode());
        Map<String, DayRecord> records = store.day(member.siteCode(), day.today());
        Map<ChildState, Long> counts = roster.stream()
                .collect(Collectors.groupingBy(c -> stateOf(records, c), Collectors.counting()));
        List<String> missingNos = roster.stream().filter(c -> stateOf(records, c) == ChildState.EXPECTED)
                .map(c -> String.valueOf(c.rosterNo())).toList();
        List<String> escorts = roster.stream()
                .filter(c -> escort(records, c) && stateOf(records, c) != ChildState.LEFT)
                .map(c -> String.valueOf(c.rosterNo())).toList();
        Map<String, String> values = new HashMap<>();
        values.put("total", String.valueOf(roster.size()));
        values.put("present", String.valueOf(counts.getOrDefault(ChildState.ARRIVED, 0L)));
        values.put("left", String.valueOf(counts.getOrDefault(ChildState.LEFT, 0L)));
        values.put("absent", String.valueOf(counts.getOrDefault(ChildState.ABSENT, 0L)));
        values.put("missing", String.valueOf(missingNos.size()));
        if (!escorts.isEmpty()) {
            values.put("escorts", String.join(",", escorts));
        }
        if (!missingNos.isEmpty()) {
            int room = budget.room(TemplateKey.ROSTER_SUMMARY, "missingNos", values);
            TextBudget.Fitted fitted = TextBudget.fit(missingNos, ",", room - 2);
            values.put("missingNos", fitted.text() + (fitted.leftOut() > 0 ? "…" : ""));
        }
        out.reply(TemplateKey.ROSTER_SUMMARY, values);
    }

    /**
     * Whether this staff member may approve registrations and make invite codes, both of which let
     * someone follow a child: captains always, volunteers only where the site allows it.
     */
    static boolean mayApprove(CareStore store, StaffMember member) {
        return member.role() == StaffRole.CAPTAIN || store.volunteersMayApprove(member.siteCode());
    }

    /**
     * {@code 批 12}: the guardian is linked to the child (put on the roster when new) and welcomed.
     * A {@code retry} of the same provider message that finds the registration approved (by its
     * earlier try, which failed before its replies were queued) finishes the work — adding and
     * linking are idempotent — and answers again.
     */
    void approve(StaffMember member, int requestNo, boolean retry, Outgoing out) {
        if (!mayApprove(store, member)) {
            out.reply(TemplateKey.CAPTAIN_ONLY);
            return;
        }
        String no = String.valueOf(requestNo);
        Optional<Registration> found = store.registration(member.siteCode(), requestNo);
        boolean approvedNow = found.isPresent() && !found.get().approved()
                && store.approveRegistration(member.siteCode(), requestNo);
        boolean byEarlierTry = retry && found.isPresent() && found.get().approved();
        if (!approvedNow && !byEarlierTry) {
            out.reply(TemplateKey.APPROVE_NOT_FOUND, Map.of("requestNo", no));
            return;
        }
        Registration reg = found.get();
        Guardian guardian = new Guardian(reg.guardian(), reg.relation());
        Child child = store.roster(member.siteCode()).stream()
                .filter(c -> c.name().equals(reg.childName())).findFirst()
                .orElseGet(() -> store.addChild(member.siteCode(), reg.childName(), List.of()));
        store.linkGuardian(child.id(), guardian);
        Site site = site(member);
        out.reply(TemplateKey.REGISTER_APPROVED,
                Map.of("requestNo", no, "child", child.name(), "rosterNo", String.valueOf(child.rosterNo())));
        out.notify(reg.guardian(), TemplateKey.REGISTER_WELCOME, Map.of("child", child.name(), "site", site.name()));
    }

    /**
     * {@code 通知 …}: one notice to every guardian of the site (each address once, not those who opted
     * out), started as a job ({@link Alerts#start}) that is expanded behind the reply, so the reply
     * — how many and about how long at the pacer's rates — is queued at once whatever the site's
     * size. The broadcast's id comes from the provider message ({@code inboundKey}), so a retry of
     * the same message starts nothing twice and answers the same.
     */
    void broadcast(StaffMember member, String text, String inboundKey, Outgoing out) {
        Site site = site(member);
        String notice = text.strip();
        TemplateKey refused = NoticeContent.refusal(notice);
        if (refused != null) {
            out.reply(refused);
            return;
        }
        int max = budget.room(TemplateKey.NOTICE, "text", Map.of("site", site.name()));
        if (notice.length() > max) {
            out.reply(TemplateKey.NOTICE_TOO_LONG, Map.of("max", String.valueOf(max)));
            return;
        }
        Set<Address> recipients = reachable(site.code());
        if (recipients.isEmpty()) {
            out.reply(TemplateKey.NOTICE_NONE);
            return;
        }
        alerts.start(new AlertJob(broadcastId(site.code(), inboundKey), "site:" + site.code(), Alert.NOTICE, notice,
                TemplateKey.NOTICE, Map.of("site", site.name()), MessageClass.ROUTINE, day.clock().instant()));
        Map<String, String> values = new HashMap<>(SendingTime.wording(
                SendingTime.of(SendingTime.byChannel(recipients), pacer)));
        values.put("count", String.valueOf(recipients.size()));
        SafetySettings settings = ladders.settings();
        if (settings.isQuiet(day.time())) { // routine notices wait for the morning: say so, not "within a minute"
            values.put("from", CareDay.format(settings.quietUntil()));
        }
        out.reply(TemplateKey.NOTICE_SENT, values);
    }

    /**
     * {@code 进度}: how far the site's latest broadcast has got — sent, delivered, failed, and about
     * how long the rest takes.
     */
    void broadcastProgress(StaffMember member, Outgoing out) {
        Optional<AlertProgress.Progress> found = safety.latestBroadcast(member.siteCode()).flatMap(progress::of);
        if (found.isEmpty()) {
            out.reply(TemplateKey.NOTICE_PROGRESS_NONE);
            return;
        }
        AlertProgress.Progress p = found.get();
        Map<String, String> values = new HashMap<>();
        int count;
        java.time.Duration left;
        if (p.state() == AlertProgress.State.PENDING) { // not yet expanded: all of it is still to go
            Set<Address> recipients = reachable(member.siteCode());
            count = recipients.size();
            left = SendingTime.of(SendingTime.byChannel(recipients), pacer);
            values.put("left", String.valueOf(count));
        } else {
            count = p.recipients();
            left = p.finishEstimate() == null ? java.time.Duration.ZERO
                    : java.time.Duration.between(day.clock().instant(), p.finishEstimate());
            if (p.queued() > 0) {
                values.put("left", String.valueOf(p.queued()));
            }
            putIfAny(values, "delivered", p.delivered());
            putIfAny(values, "failed", p.failed() + p.suppressed());
        }
        values.put("count", String.valueOf(count));
        values.put("out", String.valueOf(count - Integer.parseInt(values.getOrDefault("left", "0"))));
        if (values.containsKey("left")) {
            values.putAll(SendingTime.wording(left));
            if (ladders.settings().isQuiet(day.time())) {
                values.put("from", CareDay.format(ladders.settings().quietUntil()));
            }
        }
        out.reply(TemplateKey.NOTICE_PROGRESS, values);
    }

    private static void putIfAny(Map<String, String> values, String key, int n) {
        if (n > 0) {
            values.put(key, String.valueOf(n));
        }
    }

    /** The site's guardians a notice reaches: all but those who opted out. */
    private Set<Address> reachable(String siteCode) {
        Set<Address> recipients = new java.util.LinkedHashSet<>(store.guardianAddresses(siteCode));
        recipients.removeAll(store.optedOutAmong(recipients));
        return recipients;
    }

    /** The broadcast's id: from the provider message it answers, so every try of that message names the same one. */
    static String broadcastId(String siteCode, String inboundKey) {
        if (inboundKey == null) { // not from a provider message (a direct call): a fresh one
            return "b-" + siteCode + "-" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(inboundKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "b-" + siteCode + "-" + java.util.HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** {@code 课 防溺水}: every guardian of the site hears what was taught, so it is repeated at home. */
    void recordLesson(StaffMember member, String topic, Outgoing out) {
        List<OutboundMessage> notices = lessons.record(site(member), topic);
        out.add(notices);
        out.reply(TemplateKey.LESSON_RECORDED, Map.of("topic", topic, "count", String.valueOf(notices.size())));
    }

    /** A notice to each guardian: the messages a change of the child's day record causes. */
    private static List<OutboundMessage> notices(List<Guardian> guardians, TemplateKey key, Map<String, String> values) {
        List<OutboundMessage> notices = new ArrayList<>(guardians.size());
        for (Guardian g : guardians) {
            notices.add(OutboundMessage.of(g.address(), key, values, MessageClass.ROUTINE));
        }
        return notices;
    }

    private Map<String, String> withList(TemplateKey key, Map<String, String> values, List<String> items) {
        Map<String, String> all = new HashMap<>(values);
        int room = budget.room(key, "list", all);
        TextBudget.Fitted fitted = TextBudget.fit(items, " ", room - 1);
        all.put("list", fitted.text() + (fitted.leftOut() > 0 ? "…" : ""));
        return all;
    }

    private Site site(StaffMember member) {
        return store.site(member.siteCode())
                .orElseThrow(() -> new IllegalStateException("staff of a site that does not exist"));
    }

    private static ChildState stateOf(Map<String, DayRecord> records, Child child) {
        DayRecord r = records.get(child.id());
        return r == null ? ChildState.EXPECTED : r.state();
    }

    private static boolean escort(Map<String, DayRecord> records, Child child) {
        DayRecord r = records.get(child.id());
        return r != null && r.escortRequested();
    }

    private static List<String> labels(List<Child> children) {
        return children.stream().map(Child::label).toList();
    }

    /** The children a list of roster numbers names, and the numbers that name no one. */
    private record Roster(List<Child> all, List<Child> found, List<Integer> unknown) {

        static Roster of(CareStore store, String siteCode, List<Integer> numbers) {
            List<Child> all = store.roster(siteCode);
            Map<Integer, Child> byNo = all.stream().collect(Collectors.toMap(Child::rosterNo, c -> c));
            List<Child> found = new ArrayList<>();
            List<Integer> unknown = new ArrayList<>();
            for (int n : numbers) {
                Child c = byNo.get(n);
                if (c == null) {
                    unknown.add(n);
                } else {
                    found.add(c);
                }
            }
            return new Roster(all, found, unknown);
        }

        Map<String, Child> byId() {
            Map<String, Child> byId = new HashMap<>();
            found.forEach(c -> byId.put(c.id(), c));
            return byId;
        }

        Map<String, String> unknownValues() {
            String numbers = unknown.stream().limit(10).map(String::valueOf).collect(Collectors.joining("、"));
            int max = all.stream().mapToInt(Child::rosterNo).max().orElse(0);
            return Map.of("numbers", numbers, "max", String.valueOf(max));
        }
    }
}
