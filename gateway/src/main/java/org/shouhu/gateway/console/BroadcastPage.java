package org.shouhu.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.AlertProgress;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.TextBudget;
import org.shouhu.routes.care.NoticeContent;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.command.CommandParser;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.SmsLength;
import org.shouhu.templates.TemplateKey;
import org.shouhu.templates.Templates;

/**
 * A site's broadcast ({@code /console/sites/{code}/broadcast}): a notice composed with the whole SMS
 * a grandparent receives counted and previewed (signature and the notice's fixed words included),
 * sent as the {@code 通知 …} command through {@link ConsoleCommands} (by its staff, or a coordinator or
 * city admin who may read the site), and the progress of the
 * site's latest broadcast ({@code …/progress}, what {@code 进度} answers by SMS) polled by {@code broadcast.js}.
 */
public final class BroadcastPage implements ConsoleSection {

    private static final Map<String, String> STATES = Map.of("pending", "正在准备", "sending", "正在发送", "done", "已发完");
    /** Stands for the notice while the template is rendered around it, to find the fixed words before and after. */
    private static final String HOLE = "\u0000";
    /** The notice is read as staff's SMS {@code 通知 …} is read, so the page sends what that SMS would. */
    private static final CommandParser PARSER = new CommandParser();
    private static final String SAID = "通知 ";

    private final CareStore care;
    private final SafetyStore safety;
    private final AlertProgress progress;
    private final ConsoleCommands commands;
    private final Templates sms;
    private final String signature;
    private final TextBudget budget;
    private final CareDay day;
    private final RedisSessions sessions;
    private final Html html;

    /** {@code sms} and {@code signature}: the SMS templates and signature the outbox renders with. */
    public BroadcastPage(CareStore care, SafetyStore safety, AlertProgress progress, ConsoleCommands commands, Templates sms,
                         String signature, CareDay day, RedisSessions sessions, Html html) {
        this.care = care;
        this.safety = safety;
        this.progress = progress;
        this.commands = commands;
        this.sms = sms;
        this.signature = signature;
        this.budget = new TextBudget(sms, signature);
        this.day = day;
        this.sessions = sessions;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws JsonProcessingException {
        Site site = care.site(r.part(1) == null ? "" : r.part(1)).orElseThrow(() -> Refusal.notFound("这个托管点"));
        if (!r.viewer().mayReadSite(site)) {
            throw Refusal.forbidden();
        }
        String what = r.parts().size() > 3 ? r.part(3) : "";
        if (r.parts().size() > 4) {
            throw Refusal.notFound("这个页面");
        }
        if (r.isPost()) {
            if (!what.isEmpty()) {
                throw Refusal.notFound("这个操作");
            }
            return send(r, site);
        }
        return switch (what) {
            case "" -> page(200, r, site, "", null, sessions.takeFlash(r.session()).orElse(null));
            case "progress" -> CountyPages.json(progress(site));
            default -> throw Refusal.notFound("这个页面");
        };
    }

    private HttpReply send(ConsoleRequest r, Site site) {
        String typed = r.form().getOrDefault("text", "");
        if (r.field("preview") != null) { // counted and shown without sending: the page without its script
            return page(200, r, site, typed, null, null);
        }
        // read as the SMS 通知 … is read, and checked as it is, before anything is claimed so the form can be corrected
        if (!(PARSER.parse(SAID + typed) instanceof Command.Broadcast command) || command.text().isBlank()) {
            return page(400, r, site, typed, "请写上通知内容（只写“进度”是查看发送情况，不用发）。", null);
        }
        String text = command.text().strip();
        TemplateKey refused = NoticeContent.refusal(text);
        if (refused != null) {
            return page(400, r, site, typed, sms.render(refused, Map.of()), null);
        }
        int max = room(site);
        if (text.length() > max) {
            return page(400, r, site, typed, sms.render(TemplateKey.NOTICE_TOO_LONG, Map.of("max", String.valueOf(max))), null);
        }
        String tap = r.field("tap");
        if (tap == null || tap.length() > 64) {
            return page(400, r, site, typed, "表单缺少编号，请刷新页面后再发。", null);
        }
        List<String> said = commands.broadcast(r.viewer(), site, tap + ":broadcast", SAID + typed, command);
        sessions.flash(r.session(), said.isEmpty() ? "这条通知已经发过，没有重复发送。" : String.join("\n", said));
        return Html.seeOther(path(site));
    }

    private HttpReply page(int status, ConsoleRequest r, Site site, String text, String error, String flash) {
        Map<String, Object> values = new HashMap<>();
        String[] around = sms(site, HOLE).split(HOLE, -1);
        String whole = sms(site, notice(text));
        values.put("site", site);
        values.put("siteSegment", Paths.segment(site.code()));
        values.put("before", around[0]);
        values.put("after", around.length > 1 ? around[1] : "");
        values.put("text", text);
        values.put("whole", whole);
        values.put("counter", counter(whole));
        values.put("units", SmsLength.units(whole));
        values.put("segments", SmsLength.segments(whole));
        values.put("over", whole.length() > SmsLength.ucs2Capacity(TemplateKey.NOTICE.maxSegments()));
        values.put("max", room(site));
        values.put("maxSegments", TemplateKey.NOTICE.maxSegments());
        values.put("error", error);
        values.put("forSite", !r.viewer().isStaff()); // a coordinator or city admin sends as the site's captain would
        values.put("tap", Secrets.newToken());
        values.put("progress", progress(site));
        values.put("progressPath", path(site) + "/progress");
        return html.page(status, "broadcast", site.name() + " 发通知", r, flash, values);
    }

    /** The notice as the SMS {@code 通知 …} with this text would send it (spaces and line breaks run together…); empty if none. */
    static String notice(String typed) {
        return PARSER.parse(SAID + typed) instanceof Command.Broadcast b ? b.text().strip() : "";
    }

    /** The SMS a grandparent's phone shows for this notice: signature, the notice template around the text. */
    String sms(Site site, String text) {
        return signature + sms.render(TemplateKey.NOTICE, Map.of("site", site.name(), "text", text));
    }

    /** The counter's words for a whole SMS, as {@code broadcast.js} writes them too. */
    static String counter(String whole) {
        String words = "整条短信" + SmsLength.units(whole) + "字，按" + SmsLength.segments(whole) + "条计费";
        int capacity = SmsLength.ucs2Capacity(TemplateKey.NOTICE.maxSegments());
        return whole.length() > capacity ? words + "，超出" + (whole.length() - capacity) + "字，请删减" : words;
    }

    private int room(Site site) {
        return budget.room(TemplateKey.NOTICE, "text", Map.of("site", site.name()));
    }

    /** The site's latest broadcast as {@code 进度} would tell it: counts by state and when the rest should be out. */
    private Map<String, Object> progress(Site site) {
        Map<String, Object> out = new LinkedHashMap<>();
        Optional<AlertProgress.Progress> found = safety.latestBroadcast(site.code()).flatMap(progress::of);
        out.put("any", found.isPresent());
        if (found.isEmpty()) {
            return out;
        }
        AlertProgress.Progress p = found.get();
        String state = p.state().name().toLowerCase(Locale.ROOT);
        out.put("text", sms(site, p.alert().text()));
        out.put("sentAt", org.shouhu.gateway.report.Csv.dateTime(p.alert().sentAt(), day.zone()));
        out.put("state", state);
        out.put("stateLabel", STATES.getOrDefault(state, state));
        out.put("recipients", p.recipients());
        out.put("queued", p.queued());
        out.put("sent", p.sent());
        out.put("delivered", p.delivered());
        out.put("failed", p.failed() + p.suppressed());
        out.put("finish", finish(p));
        return out;
    }

    private String finish(AlertProgress.Progress p) {
        if (p.state() == AlertProgress.State.DONE) {
            return "全部发出";
        }
        if (p.finishEstimate() == null) {
            return "正在准备收信人名单";
        }
        Duration left = Duration.between(day.clock().instant(), p.finishEstimate());
        Map<String, String> w = org.shouhu.routes.care.SendingTime.wording(left); // as 进度 words it by SMS
        String at = CareDay.format(p.finishEstimate().atZone(day.zone()).toLocalTime());
        return w.containsKey("minutes") || w.containsKey("hours") ? DeliveryHealth.wording(left) + "（" + at + "前）"
                : DeliveryHealth.wording(left);
    }

    private static String path(Site site) {
        return "/console/sites/" + Paths.segment(site.code()) + "/broadcast";
    }
}
