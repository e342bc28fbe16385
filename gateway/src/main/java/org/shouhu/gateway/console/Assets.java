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
 * in {@code console/static/} and the library's two are served.
 */
final class Assets {

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    /** The chart library's files, from its webjar. */
    private static final Map<String, String> LIBRARY = Map.of(
            "uPlot.min.css", UPLOT + "uPlot.min.css",
            "uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js");
    /** Our own files: a page's script or style in {@code console/static/}, named in lower case. */
    private static final java.util.regex.Pattern OWN = java.util.regex.Pattern.compile("[a-z][a-z0-9-]*\\.(js|css)");
    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    private Assets() {
    }

    static HttpReply serve(List<String> parts) {
        String name = parts.size() == 2 ? parts.get(1) : "";
        String resource = OWN.matcher(name).matches() ? "console/static/" + name : LIBRARY.get(name);
        byte[] body = resource == null ? null : LOADED.computeIfAbsent(resource, Assets::load);
        if (body == null) {
            return HttpReply.text(404, "no such file");
        }
        String type = resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
        return new HttpReply(200, type, body).withHeader("Cache-Control", "public, max-age=3600")
                .withHeader("X-Content-Type-Options", "nosniff");
    }

    private static byte[] load(String resource) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes(); // null: nothing kept for a name the jar has not
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
