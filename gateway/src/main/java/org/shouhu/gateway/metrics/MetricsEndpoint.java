package org.shouhu.gateway.metrics;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.shouhu.gateway.admin.BearerToken;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;

/**
 * {@code GET /metrics}: the node's metrics in Prometheus's text format. With {@code SHOUHU_METRICS_TOKEN}
 * set, only a caller with {@code Authorization: Bearer} and that token gets them (401 otherwise); without
 * it, only a caller on this machine (a loopback address: a Prometheus agent or a reverse proxy beside the
 * node), and any other gets 403 saying how to open them.
 */
public final class MetricsEndpoint implements HttpEndpoint {

    /** Prometheus's text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final BearerToken token;
    private final Supplier<String> scrape;

    /** Serves what {@code scrape} gives, to the holders of {@code token} (empty: to loopback callers only). */
    public MetricsEndpoint(String token, Supplier<String> scrape) {
        this.token = new BearerToken(token);
        this.scrape = scrape;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        if (!"GET".equals(call.method())) {
            return HttpReply.text(405, "use GET").withHeader("Allow", "GET");
        }
        if (token.isDisabled()) {
            if (!call.fromLoopback()) {
                return HttpReply.text(403, "metrics are served to this machine only; set SHOUHU_METRICS_TOKEN to read "
                        + "them from elsewhere with Authorization: Bearer <token>");
            }
        } else if (!token.admits(call.header("Authorization"))) {
            return HttpReply.text(401, "metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>")
                    .withHeader("WWW-Authenticate", "Bearer");
        }
        return new HttpReply(200, CONTENT_TYPE, scrape.get().getBytes(StandardCharsets.UTF_8));
    }
}
