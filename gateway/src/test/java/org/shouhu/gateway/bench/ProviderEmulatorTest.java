package org.shouhu.gateway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.clock.SettableClock;

class ProviderEmulatorTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-07-15T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private ProviderEmulator provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    private HttpResponse<String> send(String from, String to) throws Exception {
        String form = "To=" + URLEncoder.encode(to, StandardCharsets.UTF_8) + "&From=" + URLEncoder.encode(from, StandardCharsets.UTF_8)
                + "&Body=" + URLEncoder.encode("【守护托管】王小明已到", StandardCharsets.UTF_8)
                + "&StatusCallback=" + URLEncoder.encode("https://gw.test/twilio/status?m=42", StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(provider.url() + "/2010-04-01/Accounts/ACx/Messages.json"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSenderAboveItsRateGets429WithCode20429AndRetryAfterUntilTheSecondHasPassed() throws Exception {
        provider = new ProviderEmulator(new ProviderEmulator.Limits(2, 0, 0), clock);
        assertEquals(201, send("+8610690001", "+8613900000001").statusCode());
        clock.advance(Duration.ofMillis(400));
        assertEquals(201, send("+8610690001", "+8613900000002").statusCode());
        HttpResponse<String> third = send("+8610690001", "+8613900000003");
        assertEquals(429, third.statusCode());
        assertTrue(third.body().contains("\"code\":20429"), third.body());
        assertEquals("1", third.headers().firstValue("Retry-After").orElse(null));
        assertEquals(201, send("+8610690002", "+8613900000003").statusCode(), "another sender has its own rate");

        clock.advance(Duration.ofMillis(600)); // the first message leaves the window
        assertEquals(201, send("+8610690001", "+8613900000003").statusCode());
        assertEquals(429, send("+8610690001", "+8613900000004").statusCode());

        List<ProviderEmulator.Arrival> arrivals = provider.arrivals();
        assertEquals(List.of(201, 201, 429, 201, 201, 429), arrivals.stream().map(ProviderEmulator.Arrival::status).toList());
        assertEquals(clock.millis(), arrivals.get(5).atMillis());
        assertEquals("42", arrivals.get(0).messageId());
        assertEquals("【守护托管】王小明已到", arrivals.get(0).body());
        assertEquals(4, provider.accepted());
        assertEquals(2, provider.throttled());
        assertEquals(2, provider.maxPerSecond());
    }

    @Test
    void anUnlimitedProviderAcceptsABurstAndMaxPerSecondCountsIt() throws Exception {
        provider = new ProviderEmulator(new ProviderEmulator.Limits(0, 0, 0), clock);
        for (int i = 0; i < 25; i++) {
            assertEquals(201, send("+8610690001", "+86139000000" + (10 + i)).statusCode());
        }
        assertEquals(25, provider.maxPerSecond());
        assertEquals(0, provider.throttled());
    }

    @Test
    void everyAnswerWaitsTheLatencyGiven() throws Exception {
        provider = new ProviderEmulator(new ProviderEmulator.Limits(0, 120, 0), clock);
        long t0 = System.nanoTime();
        HttpResponse<String> r = send("+8610690001", "+8613900000001");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(201, r.statusCode());
        assertTrue(r.body().contains("\"status\":\"queued\""), r.body());
        assertTrue(tookMs >= 120, "answered after " + tookMs + " ms, not 120");
    }

    @Test
    void aCallWithoutToIs400AndSinksCountWhatKannelDelivers() throws Exception {
        provider = new ProviderEmulator(new ProviderEmulator.Limits(0, 0, 0), clock);
        assertEquals(400, send("+8610690001", "").statusCode());
        for (int i = 0; i < 3; i++) {
            assertEquals(202, http.send(HttpRequest.newBuilder(URI.create(provider.url() + "/sink/mt?to=1")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertEquals(3, provider.sinkCount("mt"));
        assertEquals(0, provider.sinkCount("mo"));
    }

    @Test
    void awaitToReturnsWhenAMessageToThatNumberWasAcceptedAndMinusOneWhenNoneWas() throws Exception {
        provider = new ProviderEmulator(new ProviderEmulator.Limits(1, 0, 0), clock);
        long since = clock.millis();
        assertEquals(-1, provider.awaitTo("+8613900000001", since, 0));
        send("+8610690001", "+8613900000002");
        assertEquals(429, send("+8610690001", "+8613900000001").statusCode());
        assertEquals(-1, provider.awaitTo("+8613900000001", since, 0), "a refused message has not arrived");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(201, send("+8610690001", "+8613900000001").statusCode());
        assertEquals(clock.millis(), provider.awaitTo("+8613900000001", since, 0));
        assertEquals(-1, provider.awaitTo("+8613900000001", clock.millis() + 1, 0), "nothing after it");
    }
}
