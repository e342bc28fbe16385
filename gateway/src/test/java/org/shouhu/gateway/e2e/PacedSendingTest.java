package org.shouhu.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.demo.SimulatedProvider;
import org.shouhu.gateway.pacing.RedisPacer;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;

/** A node configured with two numbers at 10 a second: the outbox goes out at 20 a second, half from each. */
class PacedSendingTest {

    @Test
    void aNodeSpreadsItsMessagesOverItsNumbersAtTheirRate() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(Map.of("TWILIO_MPS", "10",
                "TWILIO_FROM", "+15005550006,+15005550007"))) {
            List<OutboundMessage> queued = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                queued.add(new OutboundMessage(null, new Address("+861391234" + (5000 + i)), TemplateKey.ARRIVAL,
                        Map.of("name", "王小明", "time", "08:05", "site", "永丰小学"), MessageClass.ROUTINE));
            }
            gw.gateway.messages().enqueue(queued);
            Instant start = gw.clock.instant();

            assertEquals(40, gw.gateway.drainOutbox());

            Map<String, Integer> from = new TreeMap<>();
            gw.twilioApi.findAll(postRequestedFor(urlPathMatching(GatewayUnderTest.MESSAGES_PATH)))
                    .forEach(r -> from.merge(SimulatedProvider.form(r.getBodyAsString()).get("From"), 1, Integer::sum));
            assertEquals(Map.of("+15005550006", 20, "+15005550007", 20), from, "half from each number");
            assertEquals(Duration.ofMillis(1900).plusNanos(500_000).plus(RedisPacer.COLD_CALL), Duration.between(start, gw.clock.instant()),
                    "each number's twentieth slot 1.9 s after its first, the second number 0.5 ms behind (the account's "
                    + "2000 a second), and the node's first call on each counted half a second late (it runs cold): "
                    + "20 a second, and the settable clock waited, nothing slept");
            assertEquals(4, gw.gateway.pacer().batchSize(Address.SMS), "200 ms of 20 a second");
        }
    }
}
