package org.shouhu.gateway.admin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.AuditLog;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Removals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revocation and PIPL side of the admin API: removing staff, children (erased) and sites,
 * exporting what is held about a child, a site's setting that lets volunteers approve, and the
 * audit log every admin change is appended to (who, when, what).
 */
public final class PrivacyAdmin {

    /** Who made a change: one admin token today, so its holder is "admin". */
    static final String WHO = "admin";
    /** The most audit entries {@code GET /api/audit} returns. */
    static final int AUDIT_LIMIT = 500;
    private static final Logger LOG = LoggerFactory.getLogger(PrivacyAdmin.class);

    private final Removals removals;
    private final AuditLog audit;
    private final CareStore care;
    private final Clock clock;

    public PrivacyAdmin(Removals removals, AuditLog audit, CareStore care, Clock clock) {
        this.removals = removals;
        this.audit = audit;
        this.care = care;
        this.clock = clock;
    }

    /** Appends an admin change that was made (a 2xx answer to anything but GET) to the audit log, as made by {@code who}. */
    void audited(String who, String method, String path, int status) {
        if ((!"GET".equals(method) || path.startsWith("/api/exports/")) && status >= 200 && status < 300) { // a ledger of children's names is read as carefully as a change
            audit.append(who, clock.instant(), method + " " + Phone.maskNumbers(path), status);
        }
    }

    /** {@code GET /api/audit?limit=}: the latest changes, newest first. */
    List<Map<String, Object>> auditLog(String limitParam) {
        int limit = AUDIT_LIMIT;
        if (limitParam != null && !limitParam.isBlank()) {
            try {
                limit = Integer.parseInt(limitParam.strip());
            } catch (NumberFormatException e) {
                throw new InvalidInput("limit", "\"" + limitParam + "\" is not a whole number");
            }
            if (limit < 1 || limit > AUDIT_LIMIT) {
                throw new InvalidInput("limit", "must be between 1 and " + AUDIT_LIMIT);
            }
        }
        return audit.latest(limit).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("at", e.at().toString());
            m.put("who", e.who());
            m.put("what", e.what());
            m.put("status", e.status());
            return m;
        }).toList();
    }

    /** {@code DELETE /api/sites/{code}/staff/{phone}}: no node obeys or tells them anything as staff afterwards. */
    Map<String, Object> removeStaff(Site site, String typedPhone) {
        Phone phone;
        try {
            phone = AdminApi.queryPhone(typedPhone);
        } catch (InvalidInput e) {
            throw new InvalidInput("phone", "\"" + typedPhone + "\" in the path is not a phone number");
        }
        if (!removals.removeStaff(site.code(), phone)) {
            throw new ApiRefusal(404, "this phone is not staff at site " + site.code());
        }
        LOG.info("staff {} removed from site {}", phone.masked(), site.code());
        return Map.of("site", site.code(), "removed", phone.e164());
    }

    /** {@code DELETE /api/sites/{code}/children/{childId}}: the child is erased with everything that names it. */
    Map<String, Object> eraseChild(Site site, String childId) {
        Child child = childAt(site, childId);
        removals.eraseChild(child.id());
        return Map.of("site", site.code(), "childId", child.id(), "erased", true);
    }

    /** {@code GET /api/sites/{code}/children/{childId}/export}: everything held about the child. */
    Map<String, Object> exportChild(Site site, String childId) {
        Child child = childAt(site, childId);
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("exportedAt", clock.instant().toString());
        export.putAll(removals.exportChild(child.id())
                .orElseThrow(() -> new ApiRefusal(404, "no child " + childId + " at site " + site.code())));
        LOG.info("child {} of site {} exported", child.id(), site.code());
        return export;
    }

    /** {@code DELETE /api/sites/{code}}: the site, its staff and its children (erased). */
    Map<String, Object> removeSite(Site site) {
        int children = care.roster(site.code()).size();
        removals.removeSite(site.code());
        return Map.of("site", site.code(), "removed", true, "childrenErased", children);
    }

    private Child childAt(Site site, String childId) {
        return AdminApi.childAt(care, site, childId);
    }
}
