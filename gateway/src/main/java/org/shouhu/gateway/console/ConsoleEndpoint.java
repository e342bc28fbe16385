package org.shouhu.gateway.console;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.store.redis.RedisLoginCodes;
import org.shouhu.gateway.store.redis.RedisSessions;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.AuditLog;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.RateLimiter;
import org.shouhu.templates.TemplateKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console under {@code /console/}: login by a code sent by SMS, then the pages of the
 * sections, each asked only by someone logged in. A session is an HttpOnly, SameSite cookie (Secure
 * when the public URL is https); every form carries the session's form token, and a POST without it
 * is refused (403); every POST is written to the audit log with who made it.
 */
public final class ConsoleEndpoint implements HttpEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoint.class);
    static final String PREFIX = "/console/";
    static final String SESSION_COOKIE = "shouhu_session";
    /** The form token of the login forms, before there is a session. */
    static final String LOGIN_COOKIE = "shouhu_login";

    /** Login forms (a code asked for, or a code typed) one address may send an hour: past it, 429. */
    static final int LOGINS_PER_ADDRESS_HOUR = 30;

    private final People people;
    private final RedisLoginCodes codes;
    private final RateLimiter limiter;
    private final RedisSessions sessions;
    private final Outbox outbox;
    private final AuditLog audit;
    private final Clock clock;
    private final boolean secureCookies;
    private final Html html;
    private final Map<String, ConsoleSection> sections = new HashMap<>();

    /**
     * {@code limiter} counts login forms per address: each phone's code takes five tries and a phone
     * five codes an hour, but one guesser trying many phones is held back only per address.
     */
    public ConsoleEndpoint(People people, RedisLoginCodes codes, RateLimiter limiter, RedisSessions sessions, Outbox outbox,
                           AuditLog audit, Clock clock, String publicUrl, Html html) {
        this.people = people;
        this.codes = codes;
        this.limiter = limiter;
        this.sessions = sessions;
        this.outbox = outbox;
        this.audit = audit;
        this.clock = clock;
        this.secureCookies = publicUrl != null && publicUrl.startsWith("https:");
        this.html = html;
    }

    /** Serves the pages under {@code /console/{name}/…} with this section. */
    public ConsoleEndpoint section(String name, ConsoleSection section) {
        sections.put(name, section);
        return this;
    }

    @Override
    public HttpReply handle(HttpCall call) throws Exception {
        if (!call.path().startsWith(PREFIX)) { // "/console"
            return Html.seeOther(PREFIX);
        }
        List<String> parts = Paths.split(call.path(), PREFIX);
        if (!parts.isEmpty() && parts.get(0).equals("static")) {
            return Assets.serve(parts);
        }
        if (!parts.isEmpty() && parts.get(0).equals("login")) {
            return login(call, parts);
        }
        Optional<RedisSessions.Session> session = sessions.find(cookie(call, SESSION_COOKIE));
        Optional<Viewer> viewer = session.flatMap(s -> Phone.parse(s.phone())).flatMap(people::who);
        if (viewer.isEmpty()) {
            return "GET".equals(call.method()) ? Html.seeOther(PREFIX + "login") : html.refusal(401, "请先登录。");
        }
        Map<String, String> form = Map.of();
        if (!"GET".equals(call.method())) {
            if (!"POST".equals(call.method())) {
                return html.refusal(405, "这里只能查看或提交表单。");
            }
            form = form(call);
            if (!sameToken(form.get("csrf"), session.get().csrf())) {
                LOG.warn("console POST {} refused: no or wrong form token", Phone.maskNumbers(call.path()));
                return html.refusal(403, "表单已过期，请返回刷新页面后再提交。");
            }
        }
        ConsoleRequest request = new ConsoleRequest(call, viewer.get(), session.get(), parts, form);
        HttpReply reply = answer(request);
        if (request.isPost()) {
            audit.append(viewer.get().audited(), clock.instant(), "POST " + Phone.maskNumbers(call.path()) + auditedFields(form),
                    reply.status());
        }
        return reply;
    }

    private HttpReply answer(ConsoleRequest request) throws Exception {
        List<String> parts = request.parts();
        if (parts.isEmpty()) {
            return Html.seeOther(request.viewer().home());
        }
        if (parts.equals(List.of("logout")) && request.isPost()) {
            sessions.close(request.session());
            return Html.seeOther(PREFIX + "login").withHeader("Set-Cookie", clear(SESSION_COOKIE));
        }
        ConsoleSection section = sections.get(parts.get(0));
        if (section == null) {
            return html.refusal(404, "没有这个页面。");
        }
        try {
            return section.handle(request);
        } catch (Refusal r) {
            return html.page(r.status(), "refusal", r.status() == 403 ? "没有权限" : "出错了", request, null,
                    Map.of("reason", r.getMessage(), "status", r.status()));
        }
    }

    // --- login

    private HttpReply login(HttpCall call, List<String> parts) {
        String token = cookie(call, LOGIN_COOKIE);
        boolean fresh = token == null || token.length() != 43;
        if (fresh) {
            token = org.shouhu.gateway.console.Secrets.newToken();
        }
        HttpReply reply;
        if ("GET".equals(call.method())) {
            reply = html.html(200, "login", Map.of("title", "登录", "csrf", token));
        } else if (!"POST".equals(call.method())) {
            reply = html.refusal(405, "这里只能查看或提交表单。");
        } else {
            Map<String, String> form = form(call);
            String from = call.peer() == null ? "unknown" : call.peer().getHostAddress();
            if (fresh || !sameToken(form.get("csrf"), token)) {
                reply = html.html(403, "login", Map.of("title", "登录", "csrf", token, "error", "表单已过期，请重新输入手机号。"));
            } else if (limiter.increment("console-login:" + from, java.time.Duration.ofHours(1)) > LOGINS_PER_ADDRESS_HOUR) {
                LOG.warn("console login forms from {} past {} an hour: refused", from, LOGINS_PER_ADDRESS_HOUR);
                reply = html.html(429, "login", Map.of("title", "登录", "csrf", token, "error", "登录尝试太多次，请一小时后再试。"));
            } else if (parts.size() == 2 && parts.get(1).equals("code")) {
                reply = takeCode(form, token);
            } else {
                reply = sendCode(form, token);
            }
        }
        return fresh ? reply.withHeader("Set-Cookie", cookie(LOGIN_COOKIE, token, 3600)) : reply;
    }

    private HttpReply sendCode(Map<String, String> form, String csrf) {
        Optional<Phone> phone = Phone.parse(form.get("phone"));
        if (phone.isEmpty()) {
            return html.html(400, "login", Map.of("title", "登录", "csrf", csrf, "error", "请输入11位手机号，例如 13912345678。"));
        }
        Map<String, Object> page = new HashMap<>(Map.of("title", "输入登录码", "csrf", csrf, "phone", phone.get().e164(),
                "masked", phone.get().masked()));
        if (people.who(phone.get()).isPresent()) {
            RedisLoginCodes.Issue issue = codes.issue(phone.get());
            if (issue.sent()) {
                outbox.enqueue(List.of(OutboundMessage.of(Address.of(phone.get()), TemplateKey.LOGIN_CODE,
                        Map.of("code", issue.code()), MessageClass.REPLY)));
                LOG.info("console login code sent to {}", phone.get().masked());
            } else {
                page.put("error", "登录码刚发过，请" + issue.waitSeconds() + "秒后再要新的；已收到的码仍可使用。");
            }
        } else { // the same page as for a person on the roster: the form does not tell who is staff
            LOG.info("console login asked for {}, who is not on any roster", phone.get().masked());
        }
        return html.html(200, "login-code", page);
    }

    private HttpReply takeCode(Map<String, String> form, String csrf) {
        Optional<Phone> phone = Phone.parse(form.get("phone"));
        String code = form.getOrDefault("code", "").strip();
        if (phone.isEmpty()) {
            return html.html(400, "login", Map.of("title", "登录", "csrf", csrf, "error", "请输入11位手机号，例如 13912345678。"));
        }
        Map<String, Object> page = new HashMap<>(Map.of("title", "输入登录码", "csrf", csrf, "phone", phone.get().e164(),
                "masked", phone.get().masked()));
        if (!code.matches("\\d{6}")) {
            page.put("error", "登录码是短信里的6位数字。");
            return html.html(400, "login-code", page);
        }
        RedisLoginCodes.Check check = codes.check(phone.get(), code);
        Optional<Viewer> viewer = check == RedisLoginCodes.Check.OK ? people.who(phone.get()) : Optional.empty();
        if (viewer.isEmpty()) {
            page.put("error", check == RedisLoginCodes.Check.WRONG ? "登录码不对，请再看一下短信。"
                    : "登录码已失效（用过、超过5分钟或输错太多次），请返回重新获取。");
            return html.html(400, "login-code", page);
        }
        RedisSessions.Opened opened = sessions.open(phone.get().e164());
        audit.append(viewer.get().audited(), clock.instant(), "console login", 200);
        LOG.info("console login: {}", viewer.get().audited());
        return Html.seeOther(viewer.get().home()).withHeader("Set-Cookie",
                cookie(SESSION_COOKIE, opened.secret(), RedisSessions.LENGTH.toSeconds()));
    }

    // --- cookies and forms

    private String cookie(String name, String value, long maxAgeSeconds) {
        DefaultCookie c = new DefaultCookie(name, value);
        c.setPath(PREFIX);
        c.setHttpOnly(true);
        c.setSecure(secureCookies);
        c.setSameSite(CookieHeaderNames.SameSite.Lax);
        c.setMaxAge(maxAgeSeconds);
        return ServerCookieEncoder.STRICT.encode(c);
    }

    private String clear(String name) {
        return cookie(name, "", 0);
    }

    static String cookie(HttpCall call, String name) {
        String header = call.header("cookie");
        if (header == null) {
            return null;
        }
        for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
            if (c.name().equals(name)) {
                return c.value();
            }
        }
        return null;
    }

    /** The fields of a form POST ({@code application/x-www-form-urlencoded}), first value of each. */
    static Map<String, String> form(HttpCall call) {
        Map<String, String> fields = new HashMap<>();
        new QueryStringDecoder("?" + call.bodyText(), StandardCharsets.UTF_8, true, 64).parameters()
                .forEach((k, v) -> fields.put(k, v.isEmpty() ? "" : v.get(0)));
        return fields;
    }

    private static boolean sameToken(String given, String expected) {
        return given != null && expected != null
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /** What a POST changed, as the audit log keeps it: its fields but the form token, phones masked. */
    private static String auditedFields(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(form).forEach((k, v) -> {
            if (!k.equals("csrf") && !k.equals("request")) {
                b.append(b.length() == 0 ? " " : "&").append(k).append('=').append(v.length() > 80 ? v.substring(0, 80) + "…" : v);
            }
        });
        return Phone.maskNumbers(b.toString());
    }
}
