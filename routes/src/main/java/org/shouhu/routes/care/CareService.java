package org.shouhu.routes.care;

import java.time.Duration;
import java.util.List;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.command.Verb;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.BindAttempts;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.RateLimiter;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;

/**
 * Acts on one parsed command from an identified sender and says which messages follow. Who sends
 * decides what is allowed: staff commands only from the site's staff phones, guardian commands
 * only about the sender's own children, and a stranger gets registration instructions once a day.
 */
public final class CareService {

    private final CareStore store;
    private final Once once;
    private final CareDay day;
    private final GuardianActions guardians;
    private final StaffActions staff;
    private final ChatBinding binding;

    /**
     * {@code alerts} starts staff broadcasts as jobs expanded behind the reply; {@code progress} and
     * {@code pacer} say how far one has got and how long the rest takes.
     */
    public CareService(CareStore store, SafetyStore safety, EscalationLadders ladders, Once once, RateLimiter limiter,
                       CareDay day, TextBudget budget, BindAttempts attempts, Alerts alerts, AlertProgress progress,
                       Pacer pacer) {
        this.store = store;
        this.binding = new ChatBinding(store, safety, attempts);
        this.once = once;
        this.day = day;
        this.guardians = new GuardianActions(store, safety, ladders, once, limiter, day);
        this.staff = new StaffActions(store, ladders, new Lessons(store, safety, day), day, budget, alerts, progress, safety,
                pacer);
    }

    /** The messages that answer {@code command} from {@code sender}, after its effects are stored. */
    public List<OutboundMessage> handle(Sender sender, Command command) {
        return handle(sender, command, false);
    }

    /**
     * {@link #handle(Sender, Command)} for a provider message an earlier try may have acted on
     * ({@code retry}) before it failed: effects it finds already stored by that try (an approval, a
     * registration's daily mark) are finished and answered again, not refused as repeats.
     */
    public List<OutboundMessage> handle(Sender sender, Command command, boolean retry) {
        return handle(sender, command, retry, null);
    }

    /**
     * {@link #handle(Sender, Command, boolean)} for the provider message {@code inboundKey} (the
     * inbound claim's key): what it starts behind the reply (a broadcast) is named after it, so
     * every try of the message starts it once.
     */
    public List<OutboundMessage> handle(Sender sender, Command command, boolean retry, String inboundKey) {
        Outgoing out = new Outgoing(sender.address());
        boolean chat = !sender.address().isSms();
        if (chat && store.isUnreachable(sender.address())) {
            store.setUnreachable(sender.address(), false); // they wrote to us: the channel works again
        }
        if (chat && (command instanceof Command.OptOut || command instanceof Command.Unbind)) {
            binding.unbind(sender, out); // "/stop" in a chat app means: stop following
        } else if (command instanceof Command.Bind b) {
            binding.bind(sender, b.code(), b.phone(), out);
        } else if (command instanceof Command.Malformed m && m.verb() == Verb.BIND) {
            out.reply(chat ? TemplateKey.USAGE_BIND : TemplateKey.BIND_IN_CHAT);
        } else if (chat && sender.isStranger() && !(command instanceof Command.Register)) {
            chatStranger(sender, out);
        } else if (command instanceof Command.Invite i && sender.isStaff()) {
            binding.inviteByStaff(sender.staff().orElseThrow(), i.child(), out);
        } else if (command instanceof Command.Invite i && sender.isGuardian()) {
            binding.inviteByGuardian(sender, i.child(), out);
        } else if (command instanceof Command.OptOut) {
            store.setOptedOut(sender.address(), true);
            out.reply(TemplateKey.OPTED_OUT);
        } else if (command instanceof Command.OptIn) {
            store.setOptedOut(sender.address(), false);
            out.reply(TemplateKey.OPTED_IN);
        } else if (command instanceof Command.Register r) {
            guardians.register(sender, r, retry, out);
        } else if (command instanceof Command.Malformed m && m.verb() == Verb.REGISTER) {
            out.reply(TemplateKey.USAGE_REGISTER);
        } else if (command instanceof Command.Help) {
            help(sender, out);
        } else if (isStaffCommand(command)) {
            staffCommand(sender, command, retry, inboundKey, out);
        } else if (sender.isStranger()) {
            stranger(sender, command, out);
        } else {
            guardianCommand(sender, command, retry, out);
        }
        return out.messages();
    }

    private void help(Sender sender, Outgoing out) {
        if (sender.isStaff()) {
            out.reply(TemplateKey.HELP_STAFF);
        }
        if (sender.isGuardian() || !sender.isStaff()) {
            out.reply(TemplateKey.HELP_GUARDIAN);
        }
    }

    private static boolean isStaffCommand(Command command) {
        return command instanceof Command.CheckIn || command instanceof Command.CheckOut
                || command instanceof Command.MarkAbsent || command instanceof Command.ListMissing || command instanceof Command.ListRoster
                || command instanceof Command.Approve || command instanceof Command.Broadcast
                || command instanceof Command.RecordLesson || command instanceof Command.BroadcastProgress
                || command instanceof Command.Malformed m && isStaffVerb(m.verb());
    }

    private static boolean isStaffVerb(Verb verb) {
        return switch (verb) {
            case CHECK_IN, CHECK_OUT, MARK_ABSENT, LIST_MISSING, LIST_ROSTER, APPROVE, BROADCAST, RECORD_LESSON -> true;
            default -> false;
        };
    }

    private void staffCommand(Sender sender, Command command, boolean retry, String inboundKey, Outgoing out) {
        if (!sender.isStaff() && sender.isGuardian() && command instanceof Command.Broadcast) {
            guardians.status(sender, out); // "通知收到": a grandparent saying the notice arrived
            return;
        }
        if (!sender.isStaff()) {
            out.reply(TemplateKey.STAFF_ONLY);
            return;
        }
        StaffMember member = sender.staff().orElseThrow();
        if (command instanceof Command.CheckIn c) {
            staff.checkIn(member, c.rosterNos(), out);
        } else if (command instanceof Command.CheckOut c) {
            staff.checkOut(member, c.rosterNos(), c.pickedUpBy(), out);
        } else if (command instanceof Command.MarkAbsent a) {
            staff.markAbsent(member, a.rosterNos(), out);
        } else if (command instanceof Command.ListMissing) {
            staff.listMissing(member, out);
        } else if (command instanceof Command.ListRoster) {
            staff.rosterSummary(member, out);
        } else if (command instanceof Command.Approve a) {
            staff.approve(member, a.requestNo(), retry, out);
        } else if (command instanceof Command.Broadcast b) {
            staff.broadcast(member, b.text(), inboundKey, out);
        } else if (command instanceof Command.BroadcastProgress) {
            staff.broadcastProgress(member, out);
        } else if (command instanceof Command.RecordLesson l) {
            staff.recordLesson(member, l.topic(), out);
        } else if (command instanceof Command.Malformed m) {
            out.reply(usage(m.verb()));
        }
    }

    private void guardianCommand(Sender sender, Command command, boolean retry, Outgoing out) {
        if (!sender.isGuardian()) {
            staffAsksGuardianThing(sender, command, out);
            return;
        }
        if (command instanceof Command.QueryStatus) {
            guardians.status(sender, out);
        } else if (command instanceof Command.Acknowledge) {
            guardians.acknowledge(sender, retry, out);
        } else if (command instanceof Command.ReportAbsent a) {
            guardians.reportAbsent(sender, a.childName(), retry, out);
        } else if (command instanceof Command.RequestEscort e) {
            guardians.requestEscort(sender, e.childName(), out);
        } else if (command instanceof Command.Malformed m) {
            out.reply(usage(m.verb()));
        } else {
            out.reply(TemplateKey.UNKNOWN_COMMAND);
        }
    }

    /** A staff member (not a guardian) sent a guardian command or something unknown. */
    private void staffAsksGuardianThing(Sender sender, Command command, Outgoing out) {
        StaffMember member = sender.staff().orElseThrow();
        if (command instanceof Command.QueryStatus || command instanceof Command.Acknowledge) {
            staff.rosterSummary(member, out);
        } else if (command instanceof Command.ReportAbsent || command instanceof Command.RequestEscort) {
            out.reply(TemplateKey.GUARDIAN_ONLY);
        } else {
            out.reply(TemplateKey.HELP_STAFF);
        }
    }

    /** A chat account not yet bound: how to get and use an invite code, once a day. */
    private void chatStranger(Sender sender, Outgoing out) {
        if (once.first("stranger:" + sender.address().value() + ":" + day.today(), Duration.ofDays(1))) {
            out.reply(TemplateKey.CHAT_WELCOME);
        }
    }

    /**
     * Registration instructions for a number we do not know (or whose registration is not yet
     * approved), at most once a day per number: nothing about any child.
     */
    private void stranger(Sender sender, Command command, Outgoing out) {
        String key = "stranger:" + sender.address().value() + ":" + day.today();
        if (once.first(key, Duration.ofDays(1))) {
            boolean asksStatus = command instanceof Command.QueryStatus || command instanceof Command.Acknowledge;
            out.reply(asksStatus ? TemplateKey.STATUS_NO_CHILD : TemplateKey.UNKNOWN_NUMBER);
        }
    }

    private static TemplateKey usage(Verb verb) {
        return switch (verb) {
            case REGISTER -> TemplateKey.USAGE_REGISTER;
            case CHECK_IN -> TemplateKey.USAGE_CHECK_IN;
            case CHECK_OUT -> TemplateKey.USAGE_CHECK_OUT;
            case MARK_ABSENT -> TemplateKey.USAGE_MARK_ABSENT;
            case APPROVE -> TemplateKey.USAGE_APPROVE;
            case BROADCAST -> TemplateKey.USAGE_BROADCAST;
            case RECORD_LESSON -> TemplateKey.USAGE_LESSON;
            default -> TemplateKey.UNKNOWN_COMMAND;
        };
    }
}
