package org.shouhu.gateway.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;

/**
 * Who is phoned ({@code /console/sites/{code}/voice}): each child's guardians with a phone, and per
 * guardian whether a no-show or overdue alert they leave unanswered is also read to them in a call
 * (a grandparent who cannot read) — what {@code PUT /api/…/guardians/{phone}} sets. The site's captain,
 * its county's coordinator and city admins switch it; volunteers see it.
 */
public final class VoicePage implements ConsoleSection {

    private final CareStore care;
    private final RedisSessions sessions;
    private final Html html;

    public VoicePage(CareStore care, RedisSessions sessions, Html html) {
        this.care = care;
        this.sessions = sessions;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) {
        Site site = care.site(r.part(1)).orElseThrow(() -> Refusal.notFound("这个托管点"));
        if (!r.viewer().mayReadSite(site)) {
            throw Refusal.forbidden();
        }
        if (r.parts().size() > 3) {
            throw Refusal.notFound("这个页面");
        }
        return r.isPost() ? change(r, site) : page(r, site);
    }

    /** Whether this person may switch calls: not a volunteer. */
    static boolean mayChange(Viewer v) {
        return v.role() != Role.VOLUNTEER;
    }

    /** A child's guardians with a phone, in a fixed order, so a form can name one by its place. */
    private static List<Guardian> phones(List<Guardian> guardians) {
        return guardians.stream().filter(g -> g.address().isSms()).sorted(Comparator.comparing(g -> g.address().value())).toList();
    }

    private HttpReply change(ConsoleRequest r, Site site) {
        if (!mayChange(r.viewer())) {
            throw Refusal.forbidden();
        }
        String childId = r.field("child");
        Child child = care.roster(site.code()).stream().filter(c -> c.id().equals(childId)).findFirst()
                .orElseThrow(() -> Refusal.notFound("这个孩子"));
        List<Guardian> phones = phones(care.guardiansOf(child.id()));
        int place;
        try {
            place = Integer.parseInt(r.field("g") == null ? "" : r.field("g"));
        } catch (NumberFormatException e) {
            throw new Refusal(400, "表单不完整，请刷新页面后再点。");
        }
        // the masked number on the form must still be the guardian at that place (the list may have changed since)
        if (place < 0 || place >= phones.size() || !phones.get(place).address().masked().equals(r.field("m"))) {
            throw new Refusal(409, "家长名单刚刚变了，请刷新页面后再点。");
        }
        Guardian g = phones.get(place);
        boolean call = "1".equals(r.field("call"));
        care.linkGuardian(child.id(), new Guardian(g.address(), g.relation(), call));
        sessions.flash(r.session(), child.name() + "的" + g.relation() + "（" + g.address().masked() + "）"
                + (call ? "：没回短信时会接到电话。" : "：不再打电话，只发短信。"));
        return Html.seeOther("/console/sites/" + Paths.segment(site.code()) + "/voice");
    }

    private HttpReply page(ConsoleRequest r, Site site) {
        boolean may = mayChange(r.viewer());
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Child> roster = care.roster(site.code());
        Map<String, List<Guardian>> guardians = care.guardiansOf(roster.stream().map(Child::id).toList()); // one read for the site
        for (Child child : roster) {
            List<Guardian> phones = phones(guardians.getOrDefault(child.id(), List.of()));
            for (int i = 0; i < phones.size(); i++) {
                Guardian g = phones.get(i);
                Map<String, Object> row = new HashMap<>();
                row.put("no", child.rosterNo());
                row.put("child", child.name());
                row.put("childId", child.id());
                row.put("relation", g.relation());
                row.put("masked", g.address().masked());
                row.put("g", i);
                row.put("voice", g.voiceFirst());
                row.put("may", may);
                rows.add(row);
            }
        }
        Map<String, Object> values = new HashMap<>();
        values.put("site", site);
        values.put("siteSegment", Paths.segment(site.code()));
        values.put("rows", rows);
        values.put("forAll", care.voiceForAll(site.code()));
        return html.page(200, "voice", site.name() + " 电话提醒", r, sessions.takeFlash(r.session()).orElse(null), values);
    }
}
