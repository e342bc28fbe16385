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

    @ParameterizedTest(name = "token ''{0}'', {1} from {2} with ''{3}'' → {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-      | GET  | 127.0.0.1   | -                   | 200 | metric 1",
            "-      | GET  | ::1         | -                   | 200 | metric 1",
            "-      | GET  | 203.0.113.7 | -                   | 403 | metrics are served to this machine only; set SHOUHU_METRICS_TOKEN to read them from elsewhere with Authorization: Bearer <token>",
            "-      | GET  | -           | -                   | 403 | metrics are served to this machine only; set SHOUHU_METRICS_TOKEN to read them from elsewhere with Authorization: Bearer <token>",
            "t0ken  | GET  | 203.0.113.7 | Bearer t0ken        | 200 | metric 1",
            "t0ken  | GET  | 203.0.113.7 | bearer t0ken        | 200 | metric 1",
            "t0ken  | GET  | 127.0.0.1   | -                   | 401 | metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>",
            "t0ken  | GET  | 203.0.113.7 | Bearer t0ke         | 401 | metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>",
            "t0ken  | GET  | 203.0.113.7 | Basic dDBrZW4=      | 401 | metrics need Authorization: Bearer <SHOUHU_METRICS_TOKEN>",
            "-      | POST | 127.0.0.1   | -                   | 405 | use GET",
    })
    void answersHoldersOfTheTokenOrElseThisMachineOnly(String token, String method, String peer, String authorization,
                                                       int status, String body) throws Exception {
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        HttpCall call = new HttpCall(method, "/metrics", Map.<String, List<String>>of(), headers, new byte[0],
                peer == null ? null : InetAddress.getByName(peer));

        HttpReply reply = new MetricsEndpoint(token == null ? "" : token, () -> "metric 1").handle(call);

        assertEquals(status, reply.status());
        assertEquals(body, new String(reply.body(), StandardCharsets.UTF_8));
        if (status == 200) {
            assertEquals(MetricsEndpoint.CONTENT_TYPE, reply.contentType());
        }
    }
}
