package org.shouhu.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;

/** Who may read {@code GET /metrics}, with a token configured and without. */
class MetricsEndpointTest {

    static final String CLOSED = "metrics are closed: set SHOUHU_METRICS_TOKEN (and send Authorization: Bearer <token>), "
            + "or SHOUHU_METRICS_LOOPBACK=on for callers on this machine with no proxy in between";
    static final String LOOPBACK_ONLY = "metrics are served to this machine only, not through a proxy; set SHOUHU_METRICS_TOKEN "
            + "to read them from elsewhere with Authorization: Bearer <token>";
    static final String NEED_TOKEN = "metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>";

    @ParameterizedTest(name = "token ''{0}'', loopback {1}, {2} from {3} with {4}: {5} → {6}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-     | false | GET  | 127.0.0.1   | -               | -                | 403 | CLOSED",
            "-     | true  | GET  | 127.0.0.1   | -               | -                | 200 | metric 1",
            "-     | true  | GET  | ::1         | -               | -                | 200 | metric 1",
            "-     | true  | GET  | 127.0.0.1   | x-forwarded-for | 203.0.113.7      | 403 | LOOPBACK_ONLY",
            "-     | true  | GET  | 127.0.0.1   | forwarded       | for=203.0.113.7  | 403 | LOOPBACK_ONLY",
            "-     | true  | GET  | 127.0.0.1   | x-real-ip       | 203.0.113.7      | 403 | LOOPBACK_ONLY",
            "-     | true  | GET  | 127.0.0.1   | via             | 1.1 nginx        | 403 | LOOPBACK_ONLY",
            "-     | true  | GET  | 203.0.113.7 | -               | -                | 403 | LOOPBACK_ONLY",
            "-     | true  | GET  | -           | -               | -                | 403 | LOOPBACK_ONLY",
            "t0ken | false | GET  | 203.0.113.7 | authorization   | Bearer t0ken     | 200 | metric 1",
            "t0ken | false | GET  | 203.0.113.7 | authorization   | bearer t0ken     | 200 | metric 1",
            "t0ken | true  | GET  | 127.0.0.1   | -               | -                | 401 | NEED_TOKEN",
            "t0ken | false | GET  | 203.0.113.7 | authorization   | Bearer t0ke      | 401 | NEED_TOKEN",
            "t0ken | false | GET  | 203.0.113.7 | authorization   | Basic dDBrZW4=   | 401 | NEED_TOKEN",
            "-     | true  | POST | 127.0.0.1   | -               | -                | 405 | use GET",
    })
    void answersHoldersOfTheTokenOrElseUnproxiedCallersOnThisMachineWhenAllowed(String token, boolean loopback, String method,
            String peer, String header, String value, int status, String body) throws Exception {
        Map<String, String> headers = new HashMap<>();
        if (header != null) {
            headers.put(header, value);
        }
        HttpCall call = new HttpCall(method, "/metrics", Map.<String, List<String>>of(), headers, new byte[0],
                peer == null ? null : InetAddress.getByName(peer));

        HttpReply reply = new MetricsEndpoint(token == null ? "" : token, loopback, () -> "metric 1").handle(call);

        assertEquals(status, reply.status());
        String expected = switch (body) {
            case "CLOSED" -> CLOSED;
            case "LOOPBACK_ONLY" -> LOOPBACK_ONLY;
            case "NEED_TOKEN" -> NEED_TOKEN;
            default -> body;
        };
        assertEquals(expected, new String(reply.body(), StandardCharsets.UTF_8));
        if (status == 200) {
            assertEquals(MetricsEndpoint.CONTENT_TYPE, reply.contentType());
        }
    }
}
