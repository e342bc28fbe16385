package org.shouhu.routes.care;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.BindAttempts;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds migrant parents' chat accounts to their children: a grandparent ({@code YQ}) or staff
 * ({@code 邀请 3}) gets an 8-digit code valid 24 hours for two parents; the parent sends {@code 绑定 12345678} on
 * WeChat or {@code /start 12345678} on Telegram and becomes a guardian (parent) of the same
 * children. The children's other guardians are told that an account was bound, so that a code
 * guessed or passed to a stranger does not go unnoticed (staff remove a guardian in the console).
 * Five wrong codes lock the account for an hour (each try is taken and counted in one atomic step
 * before the code is looked up, so guesses sent at once cannot pass the lock); a hundred wrong codes
 * in an hour from all accounts together pause binding for everyone for an hour, and every county
 * coordinator is told once per pause (parents will ask them why). The other guardians' notice of a
 * bind goes at any hour. Staff invite codes come from captains, or from volunteers where the site
 * allows it. {@code 解绑} or {@code /stop} undoes it.
 */
public final class ChatBinding {

    public static final Duration CODE_VALID = Duration.ofHours(24);
    static final int ATTEMPTS = 5;
    /** A code binds two chat accounts, the child's two parents, then it is gone. */
    static final int BINDS_PER_CODE = 2;
    static final String PARENT = "父母";
    private static final Duration LOCK = Duration.ofHours(1);
    /**
     * Wrong codes from all chat accounts together in an hour before binding pauses for an hour.
     * At the start of a season thousands of codes are valid at once, so many accounts guessing five
     * codes each would find children; parents' typos are a few dozen an hour at the busiest.
     */
    static final int CITY_WRONG_PER_HOUR = 100;
    private static final Logger LOG = LoggerFactory.getLogger(ChatBinding.class);

    private final CareStore store;
    private final SafetyStore safety;
    private final BindAttempts attempts;
    private final SecureRandom random = new SecureRandom();

    public ChatBinding(CareStore store, SafetyStore safety, BindAttempts attempts) {
        this.store = store;
        this.safety = safety;
        this.attempts = attempts;
    }

    /** A guardian's {@code YQ [小明]}: a code for all their children, or the one named. */
    void inviteByGuardian(Sender sender, String childName, Outgoing out) {
        List<Child> children = sender.children();
        if (childName != null) {
            children = children.stream().filter(c -> c.name().contains(childName)).toList();
        }
        if (children.isEmpty()) {
            out.reply(TemplateKey.USAGE_INVITE);
            return;
        }
        issue(children, out);
    }

    /** Staff {@code 邀请 3}: a code for child 3 of their site, from a captain (or a volunteer where the site allows it). */
    void inviteByStaff(StaffMember member, String rosterNo, Outgoing out) {
        if (!StaffActions.mayApprove(store, member)) {
            out.reply(TemplateKey.CAPTAIN_ONLY);
            return;
        }
        Optional<Child> child = rosterNo == null ? Optional.empty() : store.roster(member.siteCode()).stream()
                .filter(c -> String.valueOf(c.rosterNo()).equals(rosterNo.strip())).findFirst();
        if (child.isEmpty()) {
            out.reply(TemplateKey.USAGE_INVITE);
            return;
        }
        issue(List.of(child.get()), out);
    }

    private void issue(List<Child> children, Outgoing out) {
        out.reply(TemplateKey.INVITE_CODE, Map.of("code", newCode(children), "children", names(children)));
    }

    /**
     * A fresh 8-digit code naming these children, valid {@link #CODE_VALID} (also for the admin API).
     * Eight digits, not six: with thousands of codes valid at once, a guess finds a child one time in
     * tens of thousands, not one in a few hundred.
     */
    public String newCode(List<Child> children) {
        List<String> ids = children.stream().map(Child::id).toList();
        String code;
        do {
            code = String.format("%08d", random.nextInt(100_000_000));
        } while (!store.createInvite(code, ids, CODE_VALID));
        return code;
    }

    /** {@code 绑定 123456 [phone]} from a chat account. */
    void bind(Sender sender, String code, String phone, Outgoing out) {
        Address account = sender.address();
        if (account.isSms()) {
            out.reply(TemplateKey.BIND_IN_CHAT);
            return;
        }
        BindAttempts.Try attempt = attempts.take(account.value(), ATTEMPTS, LOCK);
        if (attempt.verdict() == BindAttempts.Verdict.LOCKED) {
            out.reply(TemplateKey.BIND_LOCKED);
            return;
        }
        if (attempt.verdict() == BindAttempts.Verdict.PAUSED) {
            out.reply(TemplateKey.BIND_PAUSED);
            return;
        }
        List<Child> children = new ArrayList<>();
        for (String id : store.useInvite(code, BINDS_PER_CODE)) {
            store.child(id).ifPresent(children::add);
        }
        if (children.isEmpty()) {
            wrongCode(account, attempt.used(), out);
            return;
        }
        attempts.giveBack(account.value(), LOCK);
        for (Child child : children) {
            store.linkGuardian(child.id(), new Guardian(account, PARENT));
        }
        Phone.parse(phone).ifPresent(p -> store.setFallbackPhone(account, Address.of(p)));
        store.setUnreachable(account, false);
        out.reply(TemplateKey.BOUND, Map.of("children", names(children)));
        tellTheOtherGuardians(account, children, out);
    }

    /** One notice to each other guardian of these children, naming the children they share. */
    private void tellTheOtherGuardians(Address account, List<Child> children, Outgoing out) {
        Map<String, List<Guardian>> guardians = store.guardiansOf(children.stream().map(Child::id).toList());
        Map<Address, List<Child>> shared = new LinkedHashMap<>();
        for (Child child : children) {
            for (Guardian g : guardians.getOrDefault(child.id(), List.of())) {
                if (!g.address().equals(account)) {
                    shared.computeIfAbsent(g.address(), a -> new ArrayList<>()).add(child);
                }
            }
        }
        String app = appName(account.channel());
        // SAFETY, not ROUTINE: quiet hours must not hold overnight the news that a stranger may follow the child
        shared.forEach((to, theirs) -> out.safety(to, TemplateKey.BIND_NOTICE, Map.of("children", names(theirs), "app", app)));
    }

    private static String appName(String channel) {
        return switch (channel) {
            case "wechat" -> "微信";
            case "telegram" -> "Telegram";
            case "whatsapp" -> "WhatsApp";
            default -> channel;
        };
    }

    private void wrongCode(Address account, long used, Outgoing out) {
        if (attempts.wrong(account.value(), used, ATTEMPTS, CITY_WRONG_PER_HOUR, LOCK)) {
            LOG.warn("{} wrong invite codes this hour from all chat accounts: binding paused for an hour", CITY_WRONG_PER_HOUR);
            tellTheCoordinators(out);
        }
        long left = ATTEMPTS - used;
        if (left <= 0) {
            out.reply(TemplateKey.BIND_LOCKED);
        } else {
            out.reply(TemplateKey.BIND_FAILED, Map.of("left", String.valueOf(left)));
        }
    }

    /**
     * Every county coordinator hears that binding paused, one SMS per phone per pause across nodes
     * (a coordinator of several counties is told once; a node that also saw the pause start tells no one again).
     */
    private void tellTheCoordinators(Outgoing out) {
        store.sites().stream().map(Site::county).distinct().sorted()
                .map(safety::coordinator).flatMap(Optional::stream)
                .map(c -> Address.of(c.phone())).distinct()
                .filter(to -> attempts.firstPauseNotice(to.value(), LOCK))
                .forEach(to -> out.safety(to, TemplateKey.BIND_PAUSED_TO_COORDINATOR, Map.of()));
    }

    /** {@code 解绑} / {@code /stop}: the chat account stops following every child. */
    void unbind(Sender sender, Outgoing out) {
        for (Child child : sender.children()) {
            store.unlinkGuardian(child.id(), sender.address());
        }
        out.reply(TemplateKey.UNBOUND);
    }

    private static String names(List<Child> children) {
        return children.stream().map(Child::name).collect(Collectors.joining("、"));
    }
}
