package org.shouhu.gateway.console;

import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.store.redis.RedisSessions;

/**
 * One console request after the login and form-token checks: who is asking, the path after
 * {@code /console/} split into segments, and the form fields of a POST.
 */
public record ConsoleRequest(HttpCall call, Viewer viewer, RedisSessions.Session session, List<String> parts,
                             Map<String, String> form) {

    public boolean isPost() {
        return "POST".equals(call.method());
    }

    /** A form field, stripped; null when missing or blank. */
    public String field(String name) {
        String v = form.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public String part(int i) {
        return i < parts.size() ? parts.get(i) : null;
    }
}
