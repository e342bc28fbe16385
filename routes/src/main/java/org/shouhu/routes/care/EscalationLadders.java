package org.shouhu.routes.care;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens, climbs and closes escalation ladders: guardians first (and, while they have not answered,
 * a phone call to those who cannot read: {@link #call}), then after one step's wait the
 * site captain with the guardians' numbers to call, then the county coordinator. Each step is
 * recorded with its time in the ladder, in the same write that queues its messages and re-reads
 * the child's day, so a step is sent exactly once and never about a child who is there.
 */
public final class EscalationLadders {

    private static final Logger LOG = LoggerFactory.getLogger(EscalationLadders.class);

    private final CareStore care;
    private final SafetyStore safety;
    private final SafetySettings settings;
    private final CareDay day;

    /** The city-wide timings it steps by (their quiet hours also hold the routine notices). */
    SafetySettings settings() {
        return settings;
    }

    public EscalationLadders(CareStore care, SafetyStore safety, SafetySettings settings, CareDay day) {
        this.care = care;
        this.safety = safety;
        this.settings = settings;
        this.day = day;
    }

    /**
     * Step 0: opens the ladder and queues the alerts to the child's guardians, in one write, only
     * while the child's day still calls for it; returns them (none if it was open already, or the
     * child came meanwhile).
     */
    public List<OutboundMessage> open(LadderKind kind, Site site, Child child, LocalDate date) {
        return open(kind, site, child, date, care.voiceForAll(site.code()));
    }

    /** The same, with the site's voice setting ({@link CareStore#voiceForAll}) read once for all its children. */
    public List<OutboundMessage> open(LadderKind kind, Site site, Child child, LocalDate date, boolean voiceSite) {
        Instant now = day.clock().instant();
        Ladder ladder = new Ladder(site.code(), date, child.id(), kind, 0,
                List.of(Ladder.entry(Ladder.stepName(0), now)), false);
        TemplateKey key = kind == LadderKind.NO_SHOW ? TemplateKey.NO_SHOW_ALERT : TemplateKey.OVERDUE_ALERT;
        Map<String, String> values = Map.of("child", child.name(), "site", site.name(),
                "closes", CareDay.format(site.closes()));
        List<OutboundMessage> out = new ArrayList<>();
        List<Guardian> guardians = care.guardiansOf(child.id());
        for (Guardian g : guardians) {
            out.add(OutboundMessage.of(g.address(), key, values, MessageClass.SAFETY));
        }
        Instant callAt = settings.callsBeforeCaptain() && !toCall(voiceSite, guardians).isEmpty()
                ? now.plus(settings.voiceAfter()) : null;
        return safety.openLadder(ladder, now.plus(settings.ladderStep()), callAt, out).orElse(List.of());
    }

    /**
     * The voice step of a claimed ladder whose guardians have not answered within
     * {@link SafetySettings#voiceAfter}: one phone call to each voice-first guardian (every guardian
     * with a phone at a site with voice for all), the alert read aloud, queued with the {@code call}
     * entry in one write, only while the ladder is still at its guardians' step and the child's day
     * calls for it; never twice for a ladder. Returns the calls queued.
     */
    public List<OutboundMessage> call(String ladderId) {
        Optional<Ladder> found = safety.ladder(ladderId);
        if (found.isEmpty() || found.get().closed() || found.get().step() != 0) {
            safety.dropCall(ladderId);
            return List.of();
        }
        Ladder ladder = found.get();
        Optional<Child> child = care.child(ladder.childId());
        Optional<Site> site = care.site(ladder.siteCode());
        List<Guardian> called = child.isEmpty() || site.isEmpty() ? List.of()
                : toCall(care.voiceForAll(site.get().code()), care.guardiansOf(child.get().id()));
        if (called.isEmpty()) {
            safety.dropCall(ladderId);
            return List.of();
        }
        TemplateKey key = ladder.kind() == LadderKind.NO_SHOW ? TemplateKey.VOICE_NO_SHOW : TemplateKey.VOICE_OVERDUE;
        List<OutboundMessage> calls = new ArrayList<>();
        for (Guardian g : called) {
            Map<String, String> values = Map.of("child", child.get().name(), "site", site.get().name(),
                    "closes", CareDay.format(site.get().closes()), LADDER_PARAM, ladderId, "relation", g.relation());
            calls.add(OutboundMessage.of(new Address(Address.VOICE + ":" + g.address().id()), key, values,
                    MessageClass.SAFETY));
        }
        Instant now = day.clock().instant();
        return safety.callGuardians(ladderId, now, Ladder.entry(CALL, now), calls).orElse(List.of());
    }

    /** The ladder's log entry of its voice step, and the prefix of what each call came to ({@code call:no-answer}). */
    public static final String CALL = "call";
    /** The value a voice call carries naming its ladder, so what the call comes to is recorded on it. */
    public static final String LADDER_PARAM = "ladder";

    /**
     * The guardians a ladder's voice step calls: those with a phone who are voice-first, or all of them
     * at a voice site; not one who opted out of our messages (TD).
     */
    private List<Guardian> toCall(boolean voiceSite, List<Guardian> guardians) {
        return guardians.stream().filter(g -> g.address().isSms() && (voiceSite || g.voiceFirst()))
                .filter(g -> !care.isOptedOut(g.address())).toList();
    }

    /**
     * Takes the next step of a claimed ladder and queues its messages, in one write, unless it closed
     * meanwhile or the child's day no longer calls for it (then it closes, and no one is told).
     */
    public List<OutboundMessage> step(String ladderId) {
        Optional<Ladder> found = safety.ladder(ladderId);
        if (found.isEmpty() || found.get().closed()) {
            return List.of();
        }
        Ladder ladder = found.get();
        Optional<Child> child = care.child(ladder.childId());
        Optional<Site> site = care.site(ladder.siteCode());
        if (child.isEmpty() || site.isEmpty()) {
            safety.closeLadder(ladder, Ladder.entry("closed:gone", day.clock().instant()));
            return List.of();
        }
        int step = ladder.step() + 1;
        Instant now = day.clock().instant();
        Instant next = step < Ladder.LAST_STEP ? now.plus(settings.ladderStep()) : null;
        List<OutboundMessage> out = step == 1 ? toCaptains(ladder, site.get(), child.get())
                : toCoordinator(ladder, site.get(), child.get());
        String who = out.isEmpty() ? Ladder.stepName(step) + ":nobody" : Ladder.stepName(step);
        Optional<List<OutboundMessage>> queued = safety.stepLadder(ladderId, step, now, Ladder.entry(who, now), next, out);
        if (queued.isPresent() && out.isEmpty()) {
            LOG.warn("ladder {} step {}: nobody to tell", ladderId, step);
        }
        return queued.orElse(List.of()); // closed, taken before, or the child came: no false alarm
    }

    /** Closes the open ladders of this kind about a child today; returns the ones it closed. */
    public List<Ladder> close(Child child, LadderKind kind, String reason) {
        return close(List.of(child), kind, reason);
    }

    /** Closes the open ladders of this kind about these children of one site today; returns the ones it closed. */
    public List<Ladder> close(List<Child> children, LadderKind kind, String reason) {
        return close(children, Map.of(kind, reason));
    }

    /**
     * Closes the open ladders of the kinds given about these children of one site today, each with
     * its kind's reason, after one look-up; returns the ones it closed.
     */
    public List<Ladder> close(List<Child> children, Map<LadderKind, String> reasons) {
        if (children.isEmpty()) {
            return List.of();
        }
        List<Ladder> closed = new ArrayList<>();
        List<String> ids = children.stream().map(Child::id).toList();
        for (Ladder l : safety.openLadders(children.get(0).siteCode(), day.today(), ids)) {
            String reason = reasons.get(l.kind());
            if (reason != null && safety.closeLadder(l, Ladder.entry("closed:" + reason, day.clock().instant()))) {
                closed.add(l);
            }
        }
        return closed;
    }

    private List<OutboundMessage> toCaptains(Ladder ladder, Site site, Child child) {
        TemplateKey key = ladder.kind() == LadderKind.NO_SHOW ? TemplateKey.NO_SHOW_TO_CAPTAIN : TemplateKey.OVERDUE_TO_CAPTAIN;
        List<OutboundMessage> out = new ArrayList<>();
        for (StaffMember captain : care.captainsOf(site.code())) {
            out.add(OutboundMessage.of(Address.of(captain.phone()), key, values(site, child), MessageClass.SAFETY));
        }
        return out;
    }

    private List<OutboundMessage> toCoordinator(Ladder ladder, Site site, Child child) {
        TemplateKey key = ladder.kind() == LadderKind.NO_SHOW ? TemplateKey.NO_SHOW_TO_COORDINATOR
                : TemplateKey.OVERDUE_TO_COORDINATOR;
        Map<String, String> values = new HashMap<>(values(site, child));
        values.put("minutes", String.valueOf(settings.ladderStep().toMinutes() * 2));
        return safety.coordinator(site.county())
                .map(c -> List.of(OutboundMessage.of(Address.of(c.phone()), key, values, MessageClass.SAFETY)))
                .orElse(List.of());
    }

    private Map<String, String> values(Site site, Child child) {
        String phones = care.guardiansOf(child.id()).stream().filter(g -> g.address().isSms())
                .map(g -> g.relation() + g.address().id()).collect(Collectors.joining("，"));
        return Map.of("rosterNo", String.valueOf(child.rosterNo()), "child", child.name(), "site", site.name(),
                "opens", CareDay.format(site.opens()), "closes", CareDay.format(site.closes()),
                "minutes", String.valueOf(settings.ladderStep().toMinutes()), "guardians", phones);
    }
}
