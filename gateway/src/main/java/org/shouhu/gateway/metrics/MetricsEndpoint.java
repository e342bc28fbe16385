package org.shouhu.gateway.metrics;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.shouhu.gateway.admin.BearerToken;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;

/**
 * {@code GET /metrics}: the node's metrics in Prometheus's text format. With {@code SHOUHU_METRICS_TOKEN}
 * set, only a caller with {@code Authorization: Bearer} and that token gets them (401 otherwise). Without
 * one, only when {@code SHOUHU_METRICS_LOOPBACK=on} says so, and then only to a caller on this machine
 * whose request no proxy forwarded (no {@code Forwarded}, {@code X-Forwarded-For}, {@code X-Real-IP} or
 * {@code Via}): behind a reverse proxy on the same machine every caller comes from loopback, so that
 * setting is for a node without one, and a proxied node takes the token. Anything else gets 403 saying
 * which setting opens them.
 */
public final class MetricsEndpoint implements HttpEndpoint {

    /** Prometheus's text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final List<String> FORWARDED = List.of("forwarded", "x-forwarded-for", "x-real-ip", "via");

    private final BearerToken token;
    private final boolean loopback;
    private final Supplier<String> scrape;

    /**
     * Serves what {@code scrape} gives to the holders of {@code token}; with no token, to unforwarded loopback
     * callers when {@code loopback}, else to nobody.
     */
    public MetricsEndpoint(String token, boolean loopback, Supplier<String> scrape) {
        this.token = new BearerToken(token);
        this.loopback = loopback;
        this.scrape = scrape;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        if (!"GET".equals(call.method())) {
            return HttpReply.text(405, "use GET").withHeader("Allow", "GET");
        }
        if (token.isDisabled()) {
            if (!loopback) {
                return HttpReply.text(403, "metrics are closed: set SHOUHU_METRICS_TOKEN (and send Authorization: Bearer "
                        + "<token>), or SHOUHU_METRICS_LOOPBACK=on for callers on this machine with no proxy in between");
            }
            if (!call.fromLoopback() || FORWARDED.stream().anyMatch(h -> call.header(h) != null)) {
                return HttpReply.text(403, "metrics are served to this machine only, not through a proxy; set "
                        + "SHOUHU_METRICS_TOKEN to read them from elsewhere with Authorization: Bearer <token>");
            }
        } else if (!token.admits(call.header("Authorization"))) {
            return HttpReply.text(401, "metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>")
                    .withHeader("WWW-Authenticate", "Bearer");
        }
        return new HttpReply(200, CONTENT_TYPE, scrape.get().getBytes(StandardCharsets.UTF_8));
    }
}
