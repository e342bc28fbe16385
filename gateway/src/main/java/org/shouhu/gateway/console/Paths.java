package org.shouhu.gateway.console;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The console's URL paths: segments in and out, percent-encoded (county names are Chinese). */
final class Paths {

    private Paths() {
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The path after {@code /console/}, split and decoded; a segment that does not decode is left as it came. */
    static List<String> split(String path, String prefix) {
        String rest = path.length() <= prefix.length() ? "" : path.substring(prefix.length());
        List<String> parts = new ArrayList<>();
        for (String s : rest.split("/", -1)) {
            try {
                parts.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                parts.add(s);
            }
        }
        if (!parts.isEmpty() && parts.get(parts.size() - 1).isEmpty()) {
            parts.remove(parts.size() - 1);
        }
        return parts;
    }
}
