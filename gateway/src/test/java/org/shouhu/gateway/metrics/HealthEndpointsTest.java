package org.shouhu.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;

/** Readiness names what is wrong; liveness only says the process serves. */
class HealthEndpointsTest {

    static final HttpCall GET = new HttpCall("GET", "/health/ready", Map.of(), Map.of(), new byte[0]);

    @ParameterizedTest(name = "redis {0}, scheduler {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "true  | true  | 200 | ready",
            "false | true  | 503 | not ready: redis does not answer",
            "true  | false | 503 | not ready: the scheduler is not running",
            "false | false | 503 | not ready: redis does not answer; the scheduler is not running",
    })
    void readyOnlyWhenRedisAnswersAndTheSchedulerRuns(boolean redis, boolean scheduler, int status, String body) throws Exception {
        HealthEndpoints health = new HealthEndpoints(() -> redis, () -> scheduler);

        HttpReply ready = health.ready().handle(GET);
        assertEquals(status, ready.status());
        assertEquals(body, new String(ready.body(), StandardCharsets.UTF_8));
        assertEquals(status == 503 ? "5" : null, ready.headers().get("Retry-After"));
        assertEquals(200, HealthEndpoints.LIVE.status(), "live whatever else is wrong");
    }
}
