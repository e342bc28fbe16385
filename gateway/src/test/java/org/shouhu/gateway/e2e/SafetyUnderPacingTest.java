package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.LI_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.templates.TemplateKey;

/**
 * Lanes and pacing together, as a county sees them: a drowning alert to 160 guardians goes out at
 * the number's 10 a second, and the no-show alerts that fall due while it is sending overtake it —
 * each reaches the provider within a second of the check — while the alert still goes out at the
 * paced rate, no second over it, every guardian once. The clock is the node's settable clock, which
 * the sending moves as it waits for its slots; nothing sleeps.
 */
class SafetyUnderPacingTest {

    private static final int BIG_SITE = 160;
    private static final String NAMES = "一二三四五六七八九十甲乙丙丁戊己";

    @Test
    void noShowAlertsRaisedDuringACountyAlertOvertakeItAtTheNumbersRate() throws Exception {
        try (GatewayUnderTest gw = new GatewayUnderTest(Map.of("TWILIO_MPS", "10")).withSite()) {
            // a second site of the county opening later, whose guardians only get the county alert
            assertEquals(200, gw.admin("PUT", "/api/sites/ZT0500",
                    "{\"name\":\"大坪小学托管点\",\"county\":\"昭阳区\",\"opens\":\"10:00\",\"closes\":\"17:30\"}").statusCode());
            List<String> big = new ArrayList<>();
            for (int i = 0; i < BIG_SITE; i++) {
                String phone = "+86139100" + String.format("%05d", i);
                big.add(phone);
                assertEquals(201, gw.admin("POST", "/api/sites/ZT0500/children",
                        "{\"name\":\"赵" + NAMES.charAt(i / NAMES.length()) + NAMES.charAt(i % NAMES.length()) + "\",\"guardians\":[{\"phone\":\"" + phone + "\",\"relation\":\"奶奶\"}]}")
                        .statusCode());
            }
            gw.at("08:29:50");
            var posted = gw.admin("POST", "/api/alerts", "{\"scope\":\"county:昭阳区\",\"text\":\"山洪预警，今晚不要去河边。\"}");
            assertEquals(201, posted.statusCode(), posted.body());
            assertEquals(1, gw.gateway.expandAlerts());
            int alertCount = BIG_SITE + 4; // and ZT0427's four guardians

            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                while (gw.gateway.drainOutbox() > 0) { // until the alert and whatever came meanwhile are out
                }
            });
            Instant due = GatewayUnderTest.at("2026-07-15", "08:30");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (gw.clock.instant().isBefore(due) && !sending.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the sending thread moves the clock as it waits for its slots
            }
            assertTrue(!gw.clock.instant().isBefore(due), "the alert was still sending at 08:30 (10 a second, 164 messages)");
            gw.gateway.runSafety(); // ZT0427's no-show check: none of its three children is in
            Instant raised = gw.clock.instant();
            sending.get(60, TimeUnit.SECONDS);
            while (gw.gateway.drainOutbox() > 0) { // the no-show alerts, had the sending thread finished first
            }

            List<StoredMessage> noShows = new ArrayList<>();
            for (String guardian : List.of(WANG_GRANDMA, WANG_FATHER, LI_GRANDMA, ZHANG_GRANDPA)) {
                gw.gateway.messages().sentTo(new Address(guardian), 10).stream()
                        .filter(m -> m.template() == TemplateKey.NO_SHOW_ALERT).forEach(noShows::add);
            }
            assertEquals(4, noShows.size(), "one no-show SMS per guardian of the three children");
            for (StoredMessage m : noShows) {
                assertEquals(DeliveryStatus.QUEUED, m.status(), "accepted by the provider");
                Duration waited = Duration.between(raised, m.updatedAt());
                assertTrue(waited.compareTo(Duration.ofSeconds(1)) <= 0,
                        "a no-show SMS reached the provider " + waited + " after the check, behind the county alert");
            }

            List<Instant> alertSends = new ArrayList<>();
            for (String guardian : big) {
                List<StoredMessage> got = gw.gateway.messages().sentTo(new Address(guardian), 10);
                assertEquals(1, got.size(), guardian + " got the county alert once");
                alertSends.add(got.get(0).updatedAt());
            }
            List<Instant> all = new ArrayList<>(alertSends);
            for (String guardian : List.of(WANG_GRANDMA, WANG_FATHER, LI_GRANDMA, ZHANG_GRANDPA)) {
                gw.gateway.messages().sentTo(new Address(guardian), 10).forEach(m -> all.add(m.updatedAt()));
            }
            all.sort(null);
            for (int i = 10; i < all.size(); i++) {
                assertTrue(Duration.between(all.get(i - 10), all.get(i)).compareTo(Duration.ofMillis(900)) >= 0,
                        "11 sends within one second at " + all.get(i));
            }
            Duration took = Duration.between(all.get(0), all.get(all.size() - 1));
            double expected = (alertCount + noShows.size() - 1) / 10.0;
            assertTrue(Math.abs(took.toMillis() / 1000.0 - expected) <= expected * 0.05,
                    "the sends took " + took + ", not " + expected + " s ± 5 % at 10 a second");
            assertEquals(gw.sent().size(), alertCount + noShows.size(), "nothing else was sent, nothing twice");
        }
    }
}
