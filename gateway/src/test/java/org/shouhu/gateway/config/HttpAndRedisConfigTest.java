package org.shouhu.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP front's limits and the private Redis's memory, as the environment gives them. */
class HttpAndRedisConfigTest {

    @Test
    void defaultsKeepTodaysBindingAndBoundEverything() {
        Config config = Config.fromEnv(Map.of());
        assertEquals(new Config.HttpFront("0.0.0.0", 256, 10_000, Duration.ofSeconds(30), "", false), config.http());
        assertEquals("4gb", config.redisMaxMemory());
    }

    @Test
    void theEnvironmentSetsThem() {
        Config config = Config.fromEnv(Map.of("SHOUHU_HTTP_HOST", "127.0.0.1", "SHOUHU_HTTP_QUEUE", "64",
                "SHOUHU_HTTP_MAX_CONNECTIONS", "500", "SHOUHU_HTTP_IDLE_SECONDS", "5", "SHOUHU_REDIS_MAXMEMORY", "512MB", "SHOUHU_METRICS_TOKEN", "s3cret-metrics", "SHOUHU_METRICS_LOOPBACK", "on"));
        assertEquals(new Config.HttpFront("127.0.0.1", 64, 500, Duration.ofSeconds(5), "s3cret-metrics", true), config.http());
        assertEquals("512mb", config.redisMaxMemory());
        assertFalse(config.http().toString().contains("s3cret"), "the token stays out of logs: " + config.http());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "SHOUHU_HTTP_QUEUE, 0",
            "SHOUHU_HTTP_MAX_CONNECTIONS, -1",
            "SHOUHU_HTTP_IDLE_SECONDS, soon",
            "SHOUHU_REDIS_MAXMEMORY, lots",
            "SHOUHU_REDIS_MAXMEMORY, 0"})
    void aBadValueFailsAtStartWithItsName(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of(name, value)));
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }
}
