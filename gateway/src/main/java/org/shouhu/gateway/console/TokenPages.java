package org.shouhu.gateway.console;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisPersonalTokens;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.care.CareDay;

/**
 * A person's own API tokens ({@code /console/tokens}, everyone logged in): the list (label and
 * when made, never the secret), a form to make one — its secret shown once, on the answer to the
 * form — and a revoke button per token; at most {@link #MAX_TOKENS} each. A token calls
 * {@code /api/*} with what its owner may reach (see the admin API's personal access).
 */
public final class TokenPages implements ConsoleSection {

    /** Tokens one person may hold at once. */
    public static final int MAX_TOKENS = 10;
    /** The longest label. */
    static final int LABEL_MAX = 40;

    private final RedisPersonalTokens tokens;
    private final CareDay day;
    private final RedisSessions sessions;
    private final Html html;

    public TokenPages(RedisPersonalTokens tokens, CareDay day, RedisSessions sessions, Html html) {
        this.tokens = tokens;
        this.day = day;
        this.sessions = sessions;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) {
        String phone = r.viewer().phone().e164();
        if (r.parts().size() == 1) {
            return r.isPost() ? make(r, phone) : page(r, phone, 200, sessions.takeFlash(r.session()).orElse(null), Map.of());
        }
        if (r.parts().size() == 3 && r.part(2).equals("revoke") && r.isPost()) {
            return revoke(r, phone, r.part(1));
        }
        throw Refusal.notFound("这个页面");
    }

    private HttpReply make(ConsoleRequest r, String phone) {
        String label = r.field("label");
        String tap = r.field("tap");
        if (tap == null || tap.length() > 64) {
            throw new Refusal(400, "表单缺少编号，请刷新页面后再提交。");
        }
        if (label == null || label.length() > LABEL_MAX || label.codePoints().anyMatch(Character::isISOControl)) {
            return page(r, phone, 400, null, Map.of("error", "请给令牌起个名字（最多" + LABEL_MAX + "个字），写上它用在哪里，例如“周报表格”。"));
        }
        RedisPersonalTokens.Made made = tokens.makeOnce(phone, label, tap, MAX_TOKENS);
        return switch (made.outcome()) {
            case MADE -> page(r, phone, 200, null, Map.of("secret", made.secret(), "secretLabel", label));
            case REPEATED -> {
                sessions.flash(r.session(), "这个表单已经提交过，没有再做新令牌；密钥只在做好时显示一次。");
                yield Html.seeOther("/console/tokens");
            }
            case FULL -> page(r, phone, 409, null, Map.of("error", "每人最多" + MAX_TOKENS + "个令牌。请先撤销一个不用的，再做新的。"));
        };
    }

    private HttpReply revoke(ConsoleRequest r, String phone, String id) {
        String label = tokens.of(phone).stream().filter(t -> t.id().equals(id)).map(RedisPersonalTokens.Listed::label)
                .findFirst().orElse(null);
        boolean revoked = label != null && id.length() >= 12 && tokens.revoke(phone, id);
        sessions.flash(r.session(), revoked ? "令牌“" + label + "”已撤销，用它的程序将无法再调用接口。" : "没有找到这个令牌，可能已经撤销了。");
        return Html.seeOther("/console/tokens");
    }

    private HttpReply page(ConsoleRequest r, String phone, int status, String flash, Map<String, Object> extra) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RedisPersonalTokens.Listed t : tokens.of(phone)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", t.id());
            row.put("label", t.label());
            row.put("made", made(t.made()));
            rows.add(row);
        }
        Map<String, Object> values = new HashMap<>(extra);
        values.put("tokens", rows);
        values.put("count", rows.size());
        values.put("max", MAX_TOKENS);
        values.put("full", rows.size() >= MAX_TOKENS);
        values.put("tap", Secrets.newToken());
        values.put("reach", reach(r.viewer()));
        return html.page(status, "tokens", "接口令牌", r, flash, values);
    }

    private String made(String instant) {
        try {
            return org.shouhu.gateway.report.Csv.dateTime(Instant.parse(instant), day.zone());
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    /** What a token of this person reaches, as the page says it. */
    static String reach(Viewer v) {
        return switch (v.role()) {
            case VOLUNTEER, CAPTAIN -> "您的托管点（" + v.site() + "）：读取当天情况、记录安全课、生成家长邀请码";
            case COORDINATOR -> v.county() + "：本县的托管点、导出和警报";
            case CITY_ADMIN -> "全市（调整时钟除外）";
        };
    }
}
