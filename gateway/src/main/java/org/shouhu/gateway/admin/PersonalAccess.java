package org.shouhu.gateway.admin;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.shouhu.gateway.console.Role;
import org.shouhu.gateway.console.Viewer;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;

/**
 * What a personal API token may call: what its owner may see in the console. Staff read their own
 * site and record its lessons and invite codes; a coordinator runs the sites of their county, its
 * exports and its alerts; a city admin everything but the clock. Checked before the call acts.
 */
final class PersonalAccess {

    private final CareStore care;
    private final Function<String, Optional<String>> alertScope;

    /** {@code alertScope}: an alert's scope by its id ({@code county:威信县}), to check {@code GET /api/alerts/{id}}. */
    PersonalAccess(CareStore care, Function<String, Optional<String>> alertScope) {
        this.care = care;
        this.alertScope = alertScope;
    }

    /** @throws ApiRefusal 403 with what the token's owner may reach, when this call is outside it */
    void check(Viewer v, HttpCall call, List<String> parts, String bodyScope) {
        if (v.isCity()) {
            if (parts.equals(List.of("clock"))) {
                throw refused(v, "moving the clock is for the admin token only");
            }
            return;
        }
        String first = parts.isEmpty() ? "" : parts.get(0);
        boolean read = "GET".equals(call.method());
        boolean ok = switch (first) {
            case "sites" -> site(v, parts, read);
            case "alerts" -> v.role() == Role.COORDINATOR
                    && (parts.size() == 1 ? inCounty(v, bodyScope) : alertScope.apply(parts.get(1)).map(s -> inCounty(v, s)).orElse(true));
            case "exports", "reports" -> v.role() == Role.COORDINATOR && read && queryInCounty(v, call);
            default -> false; // the clock, dead letters, messages to a number, the audit log, coordinators, city admins
        };
        if (!ok) {
            throw refused(v, "this is outside what you may reach");
        }
    }

    private boolean site(Viewer v, List<String> parts, boolean read) {
        String code = parts.size() > 1 ? parts.get(1) : "";
        Optional<Site> site = care.site(code);
        if (site.isEmpty()) {
            return v.role() == Role.COORDINATOR && !read; // a new site: its county is checked from the body (PUT) by the caller
        }
        if (!v.mayReadSite(site.get())) {
            return false;
        }
        if (v.role() == Role.COORDINATOR) {
            return true;
        }
        String what = parts.size() > 2 ? parts.get(2) : "";
        return read ? what.equals("today") : parts.size() == 3 && what.equals("lessons")
                || parts.size() == 5 && what.equals("children") && parts.get(4).equals("invite");
    }

    /** An alert's scope ({@code county:X}, {@code site:CODE}) lies in the coordinator's county. */
    private boolean inCounty(Viewer v, String scope) {
        return AlertRequests.withinCounty(care, v.county(), scope);
    }

    private boolean queryInCounty(Viewer v, HttpCall call) {
        String alert = call.queryParam("alert");
        if (alert != null) { // one alert's acknowledgements: the alert's scope decides
            return alertScope.apply(alert.strip()).map(s -> inCounty(v, s)).orElse(true);
        }
        String county = call.queryParam("county");
        String site = call.queryParam("site");
        if (county != null) {
            return site == null && county.strip().equals(v.county());
        }
        return site != null && care.site(site.strip()).map(s -> s.county().equals(v.county())).orElse(false);
    }

    private static ApiRefusal refused(Viewer v, String why) {
        String reach = switch (v.role()) {
            case VOLUNTEER, CAPTAIN -> "site " + v.site() + " (read its day, record lessons, make invite codes)";
            case COORDINATOR -> "county " + v.county() + " (its sites, exports and alerts)";
            case CITY_ADMIN -> "everything but the clock";
        };
        return new ApiRefusal(403, why + ": this token reaches " + reach);
    }
}
