package org.shouhu.routes.care;

import java.util.List;
import java.util.Optional;
import org.shouhu.routes.model.Address;

/**
 * Who sent a message, as far as the care domain knows: the staff post this address holds (if any)
 * and the children it is an approved guardian of. Decides what the sender may do.
 */
public record Sender(Address address, Optional<StaffMember> staff, List<Child> children) {

    public Sender {
        children = List.copyOf(children);
    }

    public boolean isStaff() {
        return staff.isPresent();
    }

    public boolean isGuardian() {
        return !children.isEmpty();
    }

    /** Neither staff nor guardian: gets registration instructions, at most once a day. */
    public boolean isStranger() {
        return !isStaff() && !isGuardian();
    }
}
