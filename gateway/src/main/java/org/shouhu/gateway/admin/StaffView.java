package org.shouhu.gateway.admin;

import java.util.Locale;
import org.shouhu.routes.care.StaffMember;

/** A staff member as the admin API shows one: the full phone (the coordinator's own data) and the role in lower case. */
public record StaffView(String site, String phone, String name, String role) {

    public static StaffView of(StaffMember member) {
        return new StaffView(member.siteCode(), member.phone().e164(), member.name(),
                member.role().name().toLowerCase(Locale.ROOT));
    }
}
