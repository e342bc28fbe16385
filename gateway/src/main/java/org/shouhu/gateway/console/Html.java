package org.shouhu.gateway.console;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.shouhu.gateway.http.HttpReply;

/**
 * Renders the console's pages from the Mustache templates in {@code console/} on the classpath.
 * Every value is HTML-escaped unless a template asks otherwise, and every page carries the headers
 * that keep it from being framed, sniffed or cached, and lets only the jar's own scripts run.
 */
public final class Html {

    /** Scripts and styles only from this server: no inline script, no CDN (sites have poor internet). */
    static final String POLICY = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final DefaultMustacheFactory templates = new DefaultMustacheFactory("console");
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

    /** A page for a logged-in viewer: the layout's values (who, nav, form token, notice) are added to {@code values}. */
    public HttpReply page(int status, String template, String title, ConsoleRequest request, String flash, Map<String, Object> values) {
        Map<String, Object> scope = new HashMap<>(values);
        scope.put("title", title);
        if (request != null) {
            Viewer v = request.viewer();
            scope.put("viewer", v);
            scope.put("roleLabel", v.role().label());
            scope.put("csrf", request.session().csrf());
            scope.put("home", v.home());
            scope.put("coordinatorOrCity", !v.isStaff());
            scope.put("city", v.isCity());
        }
        if (flash != null) {
            scope.put("flash", flash);
        }
        return html(status, template, scope);
    }

    /** A page from a template and its values as they are (the login pages, before anyone is known). */
    public HttpReply html(int status, String template, Map<String, Object> scope) {
        StringWriter out = new StringWriter();
        compiled.computeIfAbsent(template, t -> templates.compile(t + ".mustache")).execute(out, scope);
        return secured(new HttpReply(status, "text/html; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** A refusal as a page anyone can read. */
    public HttpReply refusal(int status, String reason) {
        return html(status, "refusal", Map.of("title", status == 403 ? "没有权限" : "出错了", "reason", reason, "status", status));
    }

    static HttpReply secured(HttpReply reply) {
        return reply.withHeader("Content-Security-Policy", POLICY)
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "same-origin")
                .withHeader("Cache-Control", "no-store");
    }

    /** 303 to another page (after a form: the browser's back and reload do not post it again). */
    public static HttpReply seeOther(String location) {
        return secured(new HttpReply(303, "text/plain; charset=utf-8", new byte[0]).withHeader("Location", location));
    }
}
