package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;

/** A "1" counts as an alert's acknowledgement for two days by the gateway's clock (simulated too), not Redis's. */
class AlertAckWindowTest {

    static final Instant SENT = Instant.parse("2026-07-15T09:05:00Z");
    static final Address GRANDMA = new Address("+8613900000001");

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisSafetyStore store = new RedisSafetyStore(redis, new RedisMessages(redis, java.time.Clock.systemUTC()));

    @Test
    void withinTwoDaysByTheClockAOneAcknowledges() {
        send("a1");
        assertEquals(Optional.of("a1"), store.acknowledgeAlert(GRANDMA, SENT.plus(Duration.ofDays(2))));
        assertEquals(1, store.acknowledgedCount("a1"));
    }

    @Test
    void threeSimulatedDaysLaterAOneIsNoLongerAnAcknowledgement() {
        send("a1");
        assertEquals(Optional.empty(), store.acknowledgeAlert(GRANDMA, SENT.plus(Duration.ofDays(3))),
                "Redis's own time has not passed the window, the gateway's clock has");
        assertEquals(0, store.acknowledgedCount("a1"));
    }

    private void send(String id) {
        store.queueAlert(new Alert(id, "site:ZT0427", "drowning", "不到河边玩水", SENT, 1), List.of(GRANDMA),
                List.of(OutboundMessage.of(GRANDMA, TemplateKey.DROWNING_ALERT, Map.of("text", "不到河边玩水"),
                        MessageClass.SAFETY)));
    }
}
