package org.shouhu.gateway.console;

import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Phone;

/**
 * Who is looking, and so what they may see: staff their own site, a coordinator the sites of their
 * county, a city admin everything. Every page and every personal-token API call asks it first.
 *
 * @param site   the site code of staff, else null
 * @param county the county of a coordinator, else null
 */
public record Viewer(Phone phone, String name, Role role, String site, String county) {

    public boolean isCity() {
        return role == Role.CITY_ADMIN;
    }

    public boolean isStaff() {
        return role == Role.VOLUNTEER || role == Role.CAPTAIN;
    }

    public boolean mayReadCounty(String other) {
        return isCity() || role == Role.COORDINATOR && county.equals(other);
    }

    public boolean mayReadSite(Site other) {
        return isStaff() ? site.equals(other.code()) : mayReadCounty(other.county());
    }

    /** Where the console opens for this person. */
    public String home() {
        return switch (role) {
            case VOLUNTEER, CAPTAIN -> "/console/sites/" + Paths.segment(site);
            case COORDINATOR -> "/console/counties/" + Paths.segment(county);
            case CITY_ADMIN -> "/console/city";
        };
    }

    /** The person as the audit log names them: role and masked phone. */
    public String audited() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " " + phone.masked();
    }
}
