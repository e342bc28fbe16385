package org.shouhu.gateway.console;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.gateway.admin.TodayView;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Registration;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * A site's pages ({@code /console/sites/{code}…}): today's roll call with a tap to check a child in
 * or out or mark it absent, who has not arrived, escorts asked for, registrations to approve, invite codes, the
 * lesson of the day; and the printable command card. Staff see their own site; a coordinator the
 * sites of their county (to read; the taps are staff's).
 */
public final class SitePages implements ConsoleSection {

    /** Who may collect a child, as the pick-up picker offers it (what staff would text after 走 3). */
    static final List<String> COLLECTORS = List.of("奶奶", "爷爷", "外婆", "外公", "妈妈", "爸爸", "志愿者护送", "其他亲属");
    private static final Map<String, String> STATES = Map.of("expected", "未到", "arrived", "在托管点", "left", "已接走",
            "absent", "请假");

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;
    private final ConsoleCommands commands;
    private final RedisSessions sessions;
    private final Html html;
    private final String commandNumber;
    private final Map<String, ConsoleSection> pages = new HashMap<>();

    /** {@code commandNumber}: the number grandparents text, as the command card prints it. */
    public SitePages(CareStore care, SafetyStore safety, CareDay day, ConsoleCommands commands, RedisSessions sessions,
                     Html html, String commandNumber) {
        this.care = care;
        this.safety = safety;
        this.day = day;
        this.commands = commands;
        this.sessions = sessions;
        this.html = html;
        this.commandNumber = commandNumber;
    }

    /** Serves {@code /console/sites/{code}/{what}…} with {@code page}, which checks the viewer itself. */
    public SitePages page(String what, ConsoleSection page) {
        pages.put(what, page);
        return this;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws Exception {
        Site site = care.site(r.part(1) == null ? "" : r.part(1)).orElseThrow(() -> Refusal.notFound("这个托管点"));
        if (!r.viewer().mayReadSite(site)) {
            throw Refusal.forbidden();
        }
        String what = r.parts().size() > 2 ? r.part(2) : "";
        if (pages.containsKey(what)) {
            return pages.get(what).handle(r);
        }
        if (!r.isPost()) {
            return switch (what) {
                case "" -> today(r, site);
                case "card" -> card(r, site);
                default -> throw Refusal.notFound("这个页面");
            };
        }
        if (!r.viewer().isStaff()) {
            throw Refusal.forbidden(); // a coordinator reads a site's day; the taps are its staff's
        }
        Command command = switch (what) {
            case "in" -> new Command.CheckIn(List.of(rosterNo(r)));
            case "out" -> new Command.CheckOut(List.of(rosterNo(r)), collector(r));
            case "absent" -> new Command.MarkAbsent(List.of(rosterNo(r)));
            case "approve" -> new Command.Approve(number(r.field("no")));
            case "invite" -> new Command.Invite(String.valueOf(rosterNo(r)));
            case "lesson" -> new Command.RecordLesson(required(r.field("topic"), "请写上今天讲的安全课内容。", 20));
            default -> throw Refusal.notFound("这个操作");
        };
        String tap = r.field("tap");
        if (tap == null || tap.length() > 64) {
            throw new Refusal(400, "表单缺少编号，请刷新页面后再点。");
        }
        List<String> said = commands.act(r.viewer(), site.code(), tap + ":" + what + ":" + r.form().getOrDefault("no", "")
                + ":" + r.form().getOrDefault("by", ""), what, command);
        sessions.flash(r.session(), said.isEmpty() ? "这一下已经记过了。" : String.join("\n", said));
        return Html.seeOther("/console/sites/" + Paths.segment(site.code()));
    }

    /** What the child's voice calls came to today, one line each: 📞 08:35 打电话, 📞 08:36 按了1, 📞 未接. */
    private List<String> callLines(TodayView.ChildDay c) {
        List<String> lines = new ArrayList<>();
        for (TodayView.LadderDay l : c.ladders()) {
            for (String entry : l.steps()) {
                int at = entry.lastIndexOf('@');
                if (!entry.startsWith(org.shouhu.routes.care.EscalationLadders.CALL) || at < 0) {
                    continue;
                }
                String what = entry.substring(0, at);
                String time;
                try {
                    time = CareDay.format(java.time.Instant.parse(entry.substring(at + 1)).atZone(day.zone()).toLocalTime());
                } catch (java.time.format.DateTimeParseException e) {
                    continue;
                }
                lines.add("📞 " + time + " " + CALLS.getOrDefault(what, what));
            }
        }
        return lines;
    }

    /** The voice call's log entries as staff read them. */
    private static final Map<String, String> CALLS = Map.of("call", "打电话", "call:pressed-1", "按了1",
            "call:pressed-2", "按了2", "call:pressed-3", "按了3", "call:answered", "接了", "call:no-answer", "未接",
            "call:busy", "占线", "call:failed", "没打通", "call:canceled", "取消");

    private HttpReply today(ConsoleRequest r, Site site) {
        LocalDate date = day.today();
        List<org.shouhu.routes.care.Child> roster = care.roster(site.code());
        TodayView view = TodayView.of(site, date, roster, care.day(site.code(), date),
                care.guardiansOf(roster.stream().map(org.shouhu.routes.care.Child::id).toList()),
                safety.laddersOpened(List.of(site.code()), date, date));
        boolean staff = r.viewer().isStaff();
        List<Map<String, Object>> children = new ArrayList<>();
        List<Map<String, Object>> missing = new ArrayList<>();
        for (TodayView.ChildDay c : view.children()) {
            Map<String, Object> row = new HashMap<>();
            row.put("no", c.rosterNo());
            row.put("name", c.name());
            row.put("state", c.state());
            row.put("stateLabel", STATES.getOrDefault(c.state(), c.state()));
            row.put("arrivedAt", c.arrivedAt());
            row.put("leftAt", c.leftAt());
            row.put("pickedUpBy", c.pickedUpBy());
            row.put("escort", c.escortRequested());
            row.put("voice", !c.voiceFirst().isEmpty()); // voice: a guardian is called when an alert goes unanswered
            row.put("calls", callLines(c));
            row.put("mayCheckIn", staff && (c.state().equals("expected") || c.state().equals("absent")));
            row.put("mayCheckOut", staff && c.state().equals("arrived"));
            row.put("mayMarkAbsent", staff && c.state().equals("expected"));
            children.add(row);
            if (c.state().equals("expected")) {
                missing.add(row);
            }
        }
        List<Map<String, Object>> pending = new ArrayList<>();
        for (Registration reg : care.pendingRegistrations(site.code(), 30)) {
            pending.add(Map.of("no", reg.no(), "child", reg.childName(), "relation", reg.relation() == null ? "" : reg.relation(),
                    "guardian", reg.guardian().masked()));
        }
        Map<String, Object> values = new HashMap<>();
        values.put("site", view.site());
        values.put("date", view.date());
        values.put("counts", view.counts());
        values.put("children", children);
        values.put("missing", missing);
        values.put("pending", pending);
        values.put("collectors", COLLECTORS);
        values.put("staff", staff);
        values.put("tap", Secrets.newToken());
        values.put("lesson", safety.lesson(site.code(), date).orElse(null));
        values.put("siteSegment", Paths.segment(site.code()));
        Optional<String> flash = sessions.takeFlash(r.session());
        return html.page(200, "site", site.name(), r, flash.orElse(null), values);
    }

    private HttpReply card(ConsoleRequest r, Site site) {
        Map<String, Object> values = new HashMap<>();
        values.put("site", site);
        values.put("opens", CareDay.format(site.opens()));
        values.put("closes", CareDay.format(site.closes()));
        values.put("number", commandNumber.startsWith("+86") ? commandNumber.substring(3) : commandNumber); // as a phone in China dials it
        values.put("siteSegment", Paths.segment(site.code()));
        return html.page(200, "card", site.name() + " 短信卡", r, null, values);
    }

    private static int rosterNo(ConsoleRequest r) {
        return number(r.field("no"));
    }

    private static int number(String text) {
        if (text == null || !text.matches("\\d{1,5}")) {
            throw new Refusal(400, "编号不对，请刷新页面后再点。");
        }
        return Integer.parseInt(text);
    }

    private static String collector(ConsoleRequest r) {
        String by = r.field("by");
        return by == null ? null : required(by, "", 10);
    }

    private static String required(String text, String missing, int max) {
        if (text == null) {
            throw new Refusal(400, missing);
        }
        if (text.length() > max) {
            throw new Refusal(400, "请写在" + max + "个字以内。");
        }
        return text;
    }
}
