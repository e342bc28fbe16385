package org.shouhu.routes.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who must hear that a safety message could not be delivered, and what: for a guardian, the captains
 * of each site one of their children attends ({@link TemplateKey#UNDELIVERED_TO_CAPTAIN}: roster
 * number, child, relation and the guardian's number masked); for a site's staff member, the county
 * coordinator ({@link TemplateKey#UNDELIVERED_TO_COORDINATOR}). The recipient is found as the
 * inbound route finds a sender ({@link CareStore#identify}); anyone else (a coordinator) is only
 * logged, since nobody above them is known.
 */
final class UnreachableNotice {

    private static final Logger LOG = LoggerFactory.getLogger(UnreachableNotice.class);

    private final CareStore care;
    private final SafetyStore safety;

    UnreachableNotice(CareStore care, SafetyStore safety) {
        this.care = care;
        this.safety = safety;
    }

    /** Queues the notices a safety message that cannot be delivered calls for (none for other classes of message). */
    void tell(StoredMessage failed, Outbox outbox) {
        List<OutboundMessage> notices = about(failed);
        if (!notices.isEmpty()) {
            LOG.warn("safety message {} to {} could not be delivered: {} notice(s) queued", failed.id(),
                    failed.to().masked(), notices.size());
            outbox.enqueue(notices);
        }
    }

    /** The notices a safety message that finally failed calls for (none for other classes of message). */
    List<OutboundMessage> about(StoredMessage failed) {
        if (failed.kind() != MessageClass.SAFETY) {
            return List.of();
        }
        Sender who = care.identify(failed.to());
        List<OutboundMessage> out = new ArrayList<>();
        Optional<StaffMember> staff = who.staff();
        if (staff.isPresent()) {
            toCoordinator(staff.get(), failed.to()).ifPresent(out::add);
        }
        Map<String, Child> firstChildPerSite = new LinkedHashMap<>();
        who.children().forEach(c -> firstChildPerSite.putIfAbsent(c.siteCode(), c));
        for (Child child : firstChildPerSite.values()) {
            out.addAll(toCaptains(child, failed.to()));
        }
        if (out.isEmpty()) {
            LOG.error("safety message {} to {} could not be delivered, and nobody above its recipient is known",
                    failed.id(), failed.to().masked());
        }
        return out;
    }

    private List<OutboundMessage> toCaptains(Child child, Address guardian) {
        String relation = care.guardiansOf(child.id()).stream().filter(g -> g.address().equals(guardian))
                .map(Guardian::relation).findFirst().orElse(Guardian.DEFAULT_RELATION);
        Map<String, String> values = Map.of("rosterNo", String.valueOf(child.rosterNo()), "child", child.name(),
                "relation", relation, "phone", guardian.masked());
        List<OutboundMessage> out = new ArrayList<>();
        for (StaffMember captain : care.captainsOf(child.siteCode())) {
            if (!Address.of(captain.phone()).equals(guardian)) {
                out.add(OutboundMessage.of(Address.of(captain.phone()), TemplateKey.UNDELIVERED_TO_CAPTAIN, values,
                        MessageClass.SAFETY));
            }
        }
        return out;
    }

    private Optional<OutboundMessage> toCoordinator(StaffMember staff, Address to) {
        Optional<Site> site = care.site(staff.siteCode());
        return site.flatMap(s -> safety.coordinator(s.county()))
                .filter(c -> !Address.of(c.phone()).equals(to))
                .map(c -> OutboundMessage.of(Address.of(c.phone()), TemplateKey.UNDELIVERED_TO_COORDINATOR,
                        Map.of("site", site.get().name(), "role", staff.role() == StaffRole.CAPTAIN ? "队长" : "志愿者",
                                "name", staff.name(), "phone", to.masked()), MessageClass.SAFETY));
    }
}
