package org.shouhu.routes.care;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.RateLimiter;
import org.shouhu.routes.port.SafetyStore;
import java.time.Duration;
import org.shouhu.templates.TemplateKey;

/** What guardians do by SMS: register a child, ask today's status, report an absence, ask for an escort. */
final class GuardianActions {

    /** Registrations one number may ask for in a day. */
    static final int MAX_REGISTRATIONS_A_DAY = 3;

    private final CareStore store;
    private final Once once;
    private final RateLimiter limiter;
    private final SafetyStore safety;
    private final EscalationLadders ladders;
    private final CareDay day;

    private final DayRecords dayRecords;

    GuardianActions(CareStore store, SafetyStore safety, EscalationLadders ladders, Once once, RateLimiter limiter,
                    CareDay day) {
        this.store = store;
        this.dayRecords = new DayRecords(store);
        this.once = once;
        this.limiter = limiter;
        this.safety = safety;
        this.ladders = ladders;
        this.day = day;
    }

    /**
     * {@code 1}: answers an open no-show or overdue alert ("on the way"), else acknowledges the last
     * safety alert, else (nothing pending) today's status. A {@code retry} of the same provider
     * message answers a ladder its earlier try closed as if it closed it now.
     */
    void acknowledge(Sender sender, boolean retry, Outgoing out) {
        boolean answered = false;
        for (Child child : sender.children()) {
            List<Ladder> closed = ladders.close(List.of(child),
                    Map.of(LadderKind.NO_SHOW, "on-the-way", LadderKind.OVERDUE, "coming"));
            if (closed.isEmpty() && retry) {
                closed = closedBy(child, Map.of(LadderKind.NO_SHOW, "on-the-way", LadderKind.OVERDUE, "coming"));
            }
            if (!closed.isEmpty()) {
                answered = true;
                out.reply(TemplateKey.ON_THE_WAY, Map.of("child", child.name()));
                if (closed.stream().anyMatch(l -> l.step() >= 1)) {
                    for (StaffMember captain : captainsOrAll(child.siteCode())) {
                        out.safety(Address.of(captain.phone()), TemplateKey.ON_THE_WAY_TO_STAFF,
                                Map.of("rosterNo", String.valueOf(child.rosterNo()), "child", child.name()));
                    }
                }
            }
        }
        if (answered) {
            return;
        }
        if (safety.acknowledgeAlert(sender.address(), day.clock().instant()).isPresent()) {
            out.reply(TemplateKey.ALERT_ACKNOWLEDGED);
            return;
        }
        status(sender, out);
    }

    /**
     * {@code DJ 王小明 ZT0427}: a request the site's staff must approve before anything about the
     * child is shared. A {@code retry} of the same provider message is not taken for a repeat (its
     * earlier try set the day's mark, then failed before the staff were asked).
     */
    void register(Sender sender, Command.Register command, boolean retry, Outgoing out) {
        Optional<Site> site = store.site(command.siteCode());
        if (site.isEmpty()) {
            out.reply(TemplateKey.REGISTER_UNKNOWN_SITE, Map.of("code", command.siteCode()));
            return;
        }
        String name = clip(command.childName(), Child.MAX_NAME);
        Optional<Child> already = sender.children().stream()
                .filter(c -> c.siteCode().equals(site.get().code()) && c.name().equals(name))
                .findFirst();
        if (already.isPresent()) {
            out.reply(TemplateKey.REGISTER_WELCOME, Map.of("child", name, "site", site.get().name()));
            return;
        }
        String today = day.today().toString();
        if (!once.first("register:" + sender.address().value() + ":" + site.get().code() + ":" + name + ":" + today,
                Duration.ofDays(1)) && !retry
                || limiter.increment("registrations:" + sender.address().value(), Duration.ofDays(1)) > MAX_REGISTRATIONS_A_DAY) {
            out.reply(TemplateKey.REGISTER_RECEIVED_ALREADY, Map.of("child", name));
            return; // staff were asked already today: one SMS must not become a paid flood to every volunteer
        }
        Registration reg = store.createRegistration(site.get().code(), name, sender.address(), Guardian.DEFAULT_RELATION);
        String no = String.valueOf(reg.no());
        out.reply(TemplateKey.REGISTER_RECEIVED, Map.of("child", name, "site", site.get().name(), "requestNo", no));
        Map<String, String> values = new java.util.HashMap<>(Map.of("requestNo", no, "phone", sender.address().id(),
                "relation", reg.relation(), "child", name, "site", site.get().name()));
        store.roster(site.get().code()).stream().filter(c -> c.name().equals(name)).findFirst().ifPresent(c -> {
            values.put("existing", "1"); // the staff must know they would add a guardian to a child already known
            values.put("rosterNo", String.valueOf(c.rosterNo()));
            values.put("guardianCount", String.valueOf(store.guardiansOf(c.id()).size()));
        });
        for (StaffMember member : store.staffOf(site.get().code())) {
            if (StaffActions.mayApprove(store, member)) { // a volunteer who may not answer 批 is not asked to
                out.notify(Address.of(member.phone()), TemplateKey.REGISTER_TO_STAFF, values);
            }
        }
    }

    /** {@code 4} (and {@code 1} with nothing pending): one status SMS per child of the sender. */
    void status(Sender sender, Outgoing out) {
        LocalDate today = day.today();
        for (Child child : sender.children()) {
            Site site = store.site(child.siteCode()).orElse(null);
            DayRecord record = store.dayRecord(child.siteCode(), today, child.id()).orElse(DayRecord.expected(child.id()));
            out.reply(TemplateKey.STATUS, StatusValues.of(child, site, record));
        }
    }

    /**
     * {@code 2 [名字]}: the child is absent today; a child already checked in stays checked in. A
     * {@code retry} of the same provider message tells the captain of a ladder its earlier try closed.
     */
    void reportAbsent(Sender sender, String childName, boolean retry, Outgoing out) {
        Optional<Child> child = pick(sender, childName, "2", out);
        if (child.isEmpty()) {
            return;
        }
        Child c = child.get();
        LocalDate today = day.today();
        Optional<DayRecord> absent = dayRecords.update(c, today, r -> r.state() == ChildState.ARRIVED
                || r.state() == ChildState.LEFT ? Optional.empty() : Optional.of(r.absent()));
        if (absent.isEmpty()) { // already checked in (or out): the guardian hears where the child is
            DayRecord record = store.dayRecord(c.siteCode(), today, c.id()).orElse(DayRecord.expected(c.id()));
            out.reply(TemplateKey.STATUS, StatusValues.of(c, store.site(c.siteCode()).orElse(null), record));
            return;
        }
        List<Ladder> closed = ladders.close(c, LadderKind.NO_SHOW, "absent");
        if (closed.isEmpty() && retry) {
            closed = closedBy(c, Map.of(LadderKind.NO_SHOW, "absent"));
        }
        boolean captainWasTold = closed.stream().anyMatch(l -> l.step() >= 1);
        out.reply(TemplateKey.ABSENCE_RECORDED, Map.of("child", c.name()));
        if (captainWasTold) {
            String relation = relationOf(sender, c);
            for (StaffMember captain : captainsOrAll(c.siteCode())) {
                out.safety(Address.of(captain.phone()), TemplateKey.ABSENCE_TO_STAFF,
                        Map.of("rosterNo", String.valueOf(c.rosterNo()), "child", c.name(), "relation", relation));
            }
        }
    }

    /** {@code 3 [名字]}: ask the site to escort the child home; the site's captains (or all staff) are told. */
    void requestEscort(Sender sender, String childName, Outgoing out) {
        Optional<Child> child = pick(sender, childName, "3", out);
        if (child.isEmpty()) {
            return;
        }
        Child c = child.get();
        LocalDate today = day.today();
        dayRecords.update(c, today, r -> Optional.of(r.withEscort()));
        ladders.close(c, LadderKind.OVERDUE, "escort");
        out.reply(TemplateKey.ESCORT_REQUESTED, Map.of("child", c.name()));
        String relation = relationOf(sender, c);
        for (StaffMember member : captainsOrAll(c.siteCode())) {
            out.safety(Address.of(member.phone()), TemplateKey.ESCORT_TO_STAFF,
                    Map.of("rosterNo", String.valueOf(c.rosterNo()), "child", c.name(),
                            "relation", relation, "phone", sender.address().id()));
        }
    }

    /**
     * The child's ladders today whose last entry is a close for its kind's reason: what a retry
     * finds when its earlier try closed them and failed before its messages were queued (the
     * message is done only once they are, so that try's messages never went out).
     */
    private List<Ladder> closedBy(Child child, Map<LadderKind, String> reasons) {
        List<Ladder> found = new java.util.ArrayList<>();
        reasons.forEach((kind, reason) -> safety.ladder(Ladder.id(kind, child.siteCode(), day.today(), child.id()))
                .filter(l -> l.closed() && lastClose(l).startsWith("closed:" + reason + "@"))
                .ifPresent(found::add));
        return found;
    }

    /** The ladder's last {@code closed:} entry (a voice call's outcome may be noted after it), or "". */
    private static String lastClose(Ladder l) {
        for (int i = l.steps().size() - 1; i >= 0; i--) {
            if (l.steps().get(i).startsWith("closed:")) {
                return l.steps().get(i);
            }
        }
        return "";
    }

    private String relationOf(Sender sender, Child child) {
        return store.guardiansOf(child.id()).stream()
                .filter(g -> g.address().equals(sender.address()))
                .map(Guardian::relation).findFirst().orElse(Guardian.DEFAULT_RELATION);
    }

    private List<StaffMember> captainsOrAll(String siteCode) {
        List<StaffMember> captains = store.captainsOf(siteCode);
        return captains.isEmpty() ? store.staffOf(siteCode) : captains;
    }

    /** The one child a guardian command is about: the only child, or the one named; else asks which. */
    private static Optional<Child> pick(Sender sender, String childName, String digit, Outgoing out) {
        List<Child> children = sender.children();
        String names = children.stream().map(Child::name).collect(Collectors.joining("、"));
        if (childName == null || childName.isBlank()) {
            if (children.size() == 1) {
                return Optional.of(children.get(0));
            }
            out.reply(TemplateKey.WHICH_CHILD, Map.of("digit", digit, "first", shortName(children.get(0)), "names", names));
            return Optional.empty();
        }
        Optional<Child> named = children.stream().filter(c -> c.name().equals(childName)).findFirst()
                .or(() -> onlyMatch(children, childName));
        if (named.isEmpty()) {
            out.reply(TemplateKey.USAGE_CHILD_NAME, Map.of("name", clip(childName, Child.MAX_NAME), "names", names));
        }
        return named;
    }

    /** "小明" finds 王小明 when no other child's name contains it. */
    private static Optional<Child> onlyMatch(List<Child> children, String part) {
        List<Child> matches = children.stream().filter(c -> c.name().contains(part)).toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /** The given name without the family name, as families say it: 王小明 → 小明. */
    private static String shortName(Child child) {
        String name = child.name();
        return name.length() == 3 ? name.substring(1) : name;
    }

    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
