package org.shouhu.gateway.admin;

import java.util.Locale;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Phone;

/** A staff member as a coordinator enters one, checked: the phone staff commands come from, a name and a role. */
public record StaffInput(Phone phone, String name, StaffRole role) {

    /** The longest staff name accepted (staff names appear in lists, not in SMS). */
    public static final int MAX_NAME = 20;

    /**
     * Reads a staff member from what was typed; the role is {@code captain} or {@code volunteer}
     * (any case), or 队长 / 志愿者.
     *
     * @throws InvalidInput naming the first field that is missing or wrong
     */
    public static StaffInput parse(String phone, String name, String role) {
        Phone staffPhone = Typed.of("phone", phone).phone();
        String staffName = Typed.of("name", name).required().atMost(MAX_NAME).text();
        return new StaffInput(staffPhone, staffName, role(role));
    }

    private static StaffRole role(String typed) {
        Typed role = Typed.of("role", typed).required();
        return switch (role.text().toLowerCase(Locale.ROOT)) {
            case "captain", "队长" -> StaffRole.CAPTAIN;
            case "volunteer", "志愿者" -> StaffRole.VOLUNTEER;
            default -> throw role.invalid("is not a role: use captain or volunteer");
        };
    }

    public StaffMember toMember(String siteCode) {
        return new StaffMember(phone, siteCode, name, role);
    }
}
