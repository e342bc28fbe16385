package org.shouhu.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.shouhu.gateway.http.HttpReply;

/**
 * The console's scripts, styles and chart library, served from the jar under {@code /console/static/}:
 * sites have poor internet and the tests have none, so nothing comes from a CDN. Only the files
 * named here are served.
 */
final class Assets {

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, String> FILES = Map.of(
            "console.css", "console/static/console.css",
            "console.js", "console/static/console.js",
            "uPlot.min.css", UPLOT + "uPlot.min.css",
            "uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js");
    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    private Assets() {
    }

    static HttpReply serve(List<String> parts) {
        String resource = parts.size() == 2 ? FILES.get(parts.get(1)) : null;
        if (resource == null) {
            return HttpReply.text(404, "no such file");
        }
        byte[] body = LOADED.computeIfAbsent(resource, Assets::load);
        String type = resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        return new HttpReply(200, type, body).withHeader("Cache-Control", "public, max-age=3600")
                .withHeader("X-Content-Type-Options", "nosniff");
    }

    private static byte[] load(String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the jar: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
