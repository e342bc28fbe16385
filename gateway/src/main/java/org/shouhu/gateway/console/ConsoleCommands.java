package org.shouhu.gateway.console;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.care.CareService;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.InboundClaims;
import org.shouhu.routes.route.InboundOnce;
import org.shouhu.templates.Templates;

/**
 * A tap in the console as the staff command it stands for, through the same care service as an
 * SMS: tapping 到 on child 3 is {@code 到 3} from the staff member's phone, so guardians get exactly
 * the same messages. Each form carries a one-time id, so a double tap or a resubmitted form acts
 * once (the claim and done mark of {@link InboundOnce}, as for a provider's repeated webhook). What
 * the command would have answered the staff member by SMS is shown on the page instead; everything
 * else it causes is queued with the done mark, in one write.
 */
public final class ConsoleCommands {

    /** The channel name under which taps are claimed (never a channel messages go out on). */
    static final String CHANNEL = "console";

    private final InboundOnce once;
    private final CareStore care;
    private final CareService service;
    private final Templates texts;
    private final Clock clock;

    public ConsoleCommands(InboundOnce once, CareStore care, CareService service, Templates texts, Clock clock) {
        this.once = once;
        this.care = care;
        this.service = service;
        this.texts = texts;
        this.clock = clock;
    }

    /**
     * Acts on a staff command for the viewer, once per {@code tapId}; returns what the command answered
     * the viewer (empty when this tap was acted on before).
     *
     * @throws Refusal 403 when the viewer is not staff of {@code siteCode}
     */
    public List<String> act(Viewer viewer, String siteCode, String tapId, String said, Command command) {
        Address from = Address.of(viewer.phone());
        Sender sender = care.identify(from);
        if (sender.staff().isEmpty() || !sender.staff().get().siteCode().equals(siteCode)) {
            throw Refusal.forbidden();
        }
        return run(sender, tapId, said, command);
    }

    /**
     * A site's broadcast ({@code 通知 …}) by its staff, or by a coordinator or city admin who may read
     * the site, who send it as the site's captain would (the notice names the site, not the sender), once
     * per {@code tapId}; returns what the command answered (empty when acted on before).
     *
     * @throws Refusal 403 when the viewer may not read the site
     */
    public List<String> broadcast(Viewer viewer, Site site, String tapId, String said, Command.Broadcast command) {
        if (viewer.isStaff() || !viewer.mayReadSite(site)) {
            return act(viewer, site.code(), tapId, said, command);
        }
        Sender sender = new Sender(Address.of(viewer.phone()),
                Optional.of(new StaffMember(viewer.phone(), site.code(), viewer.name(), StaffRole.CAPTAIN)), List.of());
        return run(sender, tapId, said, command);
    }

    private List<String> run(Sender sender, String tapId, String said, Command command) {
        Address from = sender.address();
        InboundClaims.Claim claim = once.claim(new InboundMessage(CHANNEL, tapId, from, said, clock.instant()));
        if (!claim.taken()) {
            return List.of();
        }
        List<OutboundMessage> toOthers = new ArrayList<>();
        List<String> toViewer = new ArrayList<>();
        try {
            for (OutboundMessage m : service.handle(sender, command, claim.retry(), claim.key())) {
                if (m.to().equals(from)) {
                    toViewer.add(texts.render(m.template(), m.params()));
                } else {
                    toOthers.add(m);
                }
            }
            once.finish(claim, toOthers);
        } catch (RuntimeException e) {
            once.release(claim); // the tap again acts at once
            throw e;
        }
        return toViewer;
    }
}
