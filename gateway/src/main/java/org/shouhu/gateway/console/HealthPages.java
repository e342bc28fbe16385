package org.shouhu.gateway.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpReply;

/**
 * Delivery health ({@code /console/health}, city admins only): the outbox's lanes per channel with
 * their depth and finish estimates, the pacing rates, the provider errors of the last hour and the
 * dead letters, red when something needs a look; {@code health.js} polls {@code …/live} every 5 s.
 */
public final class HealthPages implements ConsoleSection {

    private final DeliveryHealth health;
    private final Html html;

    public HealthPages(DeliveryHealth health, Html html) {
        this.health = health;
        this.html = html;
    }

    @Override
    public HttpReply handle(ConsoleRequest r) throws JsonProcessingException {
        if (!r.viewer().isCity()) {
            throw Refusal.forbidden();
        }
        if (r.isPost() || r.parts().size() > 2) {
            throw Refusal.notFound("这个页面");
        }
        String what = r.parts().size() == 2 ? r.part(1) : "";
        return switch (what) {
            case "" -> page(r);
            case "live" -> CountyPages.json(health.read());
            default -> throw Refusal.notFound("这个页面");
        };
    }

    private HttpReply page(ConsoleRequest r) {
        Map<String, Object> values = new java.util.HashMap<>(health.read());
        values.put("hasErrors", !((List<?>) values.get("errors")).isEmpty());
        return html.page(200, "health", "发送状况", r, null, values);
    }
}
