package org.shouhu.routes.port;

import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.model.Phone;

/**
 * Taking people and data out of the system of record (PIPL): staff removed, a child erased with
 * everything that names it, a whole site removed, and a child's data exported. Each is safe to
 * repeat: an erasure cut short is finished by the next call.
 */
public interface Removals {

    /** Removes a staff member of a site; false when the phone is not staff there. No node obeys or tells them anything as staff afterwards. */
    boolean removeStaff(String siteCode, Phone phone);

    /**
     * Erases a child: the child, its roster place, every guardian link, its day record entries,
     * invites, registrations, escalation ladders and the message records that name it, and the
     * data of guardian addresses no other child (and no staff post) links; false when there is no such child.
     */
    boolean eraseChild(String childId);

    /** Everything held about a child (the child, guardians, day records, registrations, invites, ladders, messages) as JSON-ready values; empty when there is no such child. */
    Optional<Map<String, Object>> exportChild(String childId);

    /** Removes a site: its staff, its children (erased), its days, schedule and lessons; false when there is no such site. */
    boolean removeSite(String siteCode);
}
