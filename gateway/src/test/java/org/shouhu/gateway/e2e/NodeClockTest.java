package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.clock.RedisTimeClock;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.TestRedis;

/**
 * Two nodes on one Redis, the second with its own clock 10 minutes slow: it fires the 08:30 no-show check when the
 * shared time (Redis's, here the test's clock) says 08:30, not ten minutes later by its own clock.
 */
class NodeClockTest {

    private static final Duration SLOW = Duration.ofMinutes(-10);
    private static final String NO_SHOW = "【守护托管】张小刚今天未到托管点。回1已在路上 回2今天不来";

    GatewayUnderTest gw;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("07:30");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void aNodeWhoseClockIsSlowFiresWhenTheSharedTimeSays() throws Exception {
        Clock slowNode = Clock.offset(gw.clock, SLOW);
        gw.at("08:30");
        try (Gateway byItsOwnClock = Gateway.start(config(), slowNode)) { // what every node did before
            byItsOwnClock.runSafety();
            byItsOwnClock.drainOutbox();
            assertEquals(List.of(), to(gw.sent(), ZHANG_GRANDPA), "by its own clock it is 08:20: nothing is due");
        }
        try (Gateway second = Gateway.start(config(), new RedisTimeClock(slowNode, gw.clock::instant))) {
            second.runSafety();
            second.drainOutbox();
            assertEquals(List.of(NO_SHOW), to(gw.sent(), ZHANG_GRANDPA), "fired at 08:30 by the shared time");
        }
    }

    private Config config() {
        Map<String, String> env = new HashMap<>(Map.of(
                "SHOUHU_HTTP_PORT", "0", "SHOUHU_PUBLIC_URL", GatewayUnderTest.PUBLIC_URL, "REDIS_URL", TestRedis.url(),
                "SHOUHU_ADMIN_TOKEN", GatewayUnderTest.ADMIN_TOKEN, "SHOUHU_OUTBOX_WORKERS", "0",
                "SHOUHU_SWEEP_SECONDS", "0", "TWILIO_ACCOUNT_SID", GatewayUnderTest.ACCOUNT,
                "TWILIO_AUTH_TOKEN", GatewayUnderTest.AUTH_TOKEN, "TWILIO_FROM", GatewayUnderTest.OUR_NUMBER));
        env.put("SHOUHU_NODE_ID", "slow");
        GatewayUnderTest.unpaced(env);
        env.put("TWILIO_API_URL", gw.twilioApi.baseUrl());
        return Config.fromEnv(env);
    }
}
