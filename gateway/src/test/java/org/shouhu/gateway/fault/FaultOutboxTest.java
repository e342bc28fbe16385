package org.shouhu.gateway.fault;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outbox under provider trouble and crashes: a 429 storm during an alert, a provider that
 * trickles one number's answer, and a node killed three times while 5,000 messages drain (with
 * its own private redis-server).
 */
@Tag("fault")
class FaultOutboxTest {

    private static final String ALERT_TEXT = "暴雨后河水上涨，请看好孩子，不要下河游泳。";

    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void alert(NodeProcess node, String scope, String requestId) throws Exception {
        cluster.adminJson(node, "POST", "/api/alerts", "{\"scope\":\"" + scope + "\",\"kind\":\"drowning\",\"text\":\""
                + ALERT_TEXT + "\",\"requestId\":\"" + requestId + "\"}");
    }

    /** Distinct guardians from {@code first} that have the alert; and the duplicates among them. */
    private long[] tally(int first, int n) {
        Map<String, List<FakeProvider.Sms>> by = cluster.provider.byRecipient();
        long delivered = 0;
        long duplicated = 0;
        for (int i = first; i < first + n; i++) {
            List<FakeProvider.Sms> got = by.getOrDefault(Cluster.Roster.guardian(i), List.of()).stream()
                    .filter(s -> s.body().contains(ALERT_TEXT)).toList();
            delivered += got.isEmpty() ? 0 : 1;
            duplicated += Math.max(0, got.size() - 1);
        }
        return new long[] {delivered, n - delivered, duplicated};
    }

    @Test
    void aTooManyRequestsStormDuringAnAlertToFiveHundredDeliversAllAndFailsNone() throws Exception {
        int n = 500;
        cluster = new Cluster(); // assigned first: @AfterEach cleans up even when a start below fails
        cluster.withRedis();
        Cluster.Roster roster = new Cluster.Roster().site("FO01", "出站县", "08:00", "17:30");
        roster.staff("FO01", "captain");
        roster.children("FO01", n, 20_001);
        cluster.load(roster);
        NodeProcess node = cluster.node("n1", Map.of());
        cluster.clock("07:30"); // before the sites open: no safety event mixes in
        cluster.provider.clear();
        Instant start = cluster.now();
        cluster.provider.throttleUntil(start.plusSeconds(120)); // 429 with Retry-After: 1 for 120 s of the nodes' time
        alert(node, "site:FO01", "fault-storm-0001");

        Instant t = start;
        int steps = 0;
        while (t.isBefore(start.plusSeconds(6))) { // fine steps first: a retry sooner than 1 s would show
            t = t.plusMillis(250);
            step(t);
            steps++;
        }
        while (t.isBefore(start.plusSeconds(120))) {
            t = t.plusSeconds(5);
            step(t);
            steps++;
        }
        Instant stormEnd = t;
        int quietSteps = 0; // steps without a call to the provider: every message is final (sent or given up)
        while (tally(20_001, n)[1] > 0 && quietSteps < 5 && t.isBefore(stormEnd.plus(Duration.ofMinutes(20)))) {
            int before = cluster.provider.attempts().size();
            t = t.plusSeconds(30);
            step(t);
            steps++;
            quietSteps = cluster.provider.attempts().size() == before ? quietSteps + 1 : 0;
        }
        Cluster.await(Duration.ofSeconds(10), () -> tally(20_001, n)[1] == 0);
        String lastDelivered = cluster.provider.accepted().stream().filter(s -> s.body().contains(ALERT_TEXT))
                .map(FakeProvider.Sms::simulated).max(Comparator.naturalOrder())
                .map(at -> String.valueOf(Duration.between(start, at).toSeconds())).orElse("-");
        long[] d = tally(20_001, n);

        Map<String, List<FakeProvider.Attempt>> byMessage = new HashMap<>();
        long throttled = 0;
        for (FakeProvider.Attempt a : cluster.provider.attempts()) {
            byMessage.computeIfAbsent(a.messageId() == null ? a.to() : a.messageId(), k -> new ArrayList<>()).add(a);
            throttled += a.status() == 429 ? 1 : 0;
        }
        // the gap as the node's clock saw it is at most the later call's upper time minus the earlier's lower
        long minGapMs = Long.MAX_VALUE;
        int maxAttempts = 0;
        for (List<FakeProvider.Attempt> calls : byMessage.values()) {
            calls.sort(Comparator.comparingLong(FakeProvider.Attempt::wallMillis));
            maxAttempts = Math.max(maxAttempts, calls.size());
            for (int i = 1; i < calls.size(); i++) {
                minGapMs = Math.min(minGapMs,
                        Duration.between(calls.get(i - 1).simulatedLow(), calls.get(i).simulated()).toMillis());
            }
        }
        int failed = 0;
        for (int i = 20_001; i < 20_001 + n; i++) {
            if (cluster.statusesTo(node, Cluster.Roster.guardian(i)).stream().anyMatch("failed"::equalsIgnoreCase)) {
                failed++;
            }
        }
        new FaultReport("429 storm (Retry-After: 1 for 120 s) during an alert to 500",
                "all delivered after the storm, none FAILED, attempts on one message ≥ 1 s apart")
                .counts(n, d[0], d[1], d[2])
                .figure("429 answers", throttled)
                .figure("most attempts on one message", maxAttempts)
                .figure("least gap between attempts (ms, simulated, at most)", minGapMs == Long.MAX_VALUE ? "-" : minGapMs)
                .figure("FAILED", failed)
                .figure("last delivered (s after the storm began, simulated)", lastDelivered)
                .figure("clock steps", steps)
                .check(d[1] == 0, d[1] + " guardians never got the alert")
                .check(failed == 0, failed + " messages ended FAILED")
                .check(minGapMs >= 1000, "two attempts on one message " + minGapMs + " ms apart")
                .finish();
    }

    /** Moves the nodes' clock and lets the outbox work until the provider sees no new attempt for 400 ms (3 s at most). */
    private void step(Instant to) throws Exception {
        cluster.clock(to);
        long deadline = System.nanoTime() + 3_000_000_000L;
        int seen = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = cluster.provider.attempts().size();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 400_000_000L) {
                return;
            }
            Processes.pause(50);
        }
    }

    @Test
    void aProviderTricklingOneNumbersAnswerDelaysNoOtherNumber() throws Exception {
        int n = 200;
        cluster = new Cluster(); // assigned first: @AfterEach cleans up even when a start below fails
        cluster.withRedis();
        Cluster.Roster roster = new Cluster.Roster().site("FO02", "出站县", "08:00", "17:30");
        roster.staff("FO02", "captain");
        roster.children("FO02", n, 30_001);
        cluster.load(roster);
        cluster.provider.trickle(Cluster.Roster.guardian(30_001)); // one byte of its answer every 5 s
        NodeProcess node = cluster.node("n1", Map.of());
        cluster.clock("07:30"); // before the sites open: no safety event mixes in
        cluster.provider.clear();
        long t0 = System.nanoTime();
        alert(node, "site:FO02", "fault-trickle-0001");
        boolean inTime = Cluster.await(Duration.ofSeconds(60), () -> tally(30_002, n - 1)[1] == 0);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        long[] d = tally(30_002, n - 1);
        long trickledAttempts = cluster.provider.attempts().stream()
                .filter(a -> a.to().equals(Cluster.Roster.guardian(30_001))).count();
        new FaultReport("one number's answer trickled (1 byte / 5 s), alert to 200",
                "every other number delivered within 60 s")
                .counts(n - 1, d[0], d[1], d[2])
                .figure("others delivered in (ms)", inTime ? elapsedMs : "> 60000")
                .figure("calls for the trickled number", trickledAttempts)
                .check(inTime, d[1] + " other numbers not delivered within 60 s")
                .check(d[2] == 0, d[2] + " duplicates")
                .finish();
    }

    @Test
    void killNineThreeTimesWhileFiveThousandDrainDeliversAllWithOneRedisServer() throws Exception {
        int sites = 25;
        int perSite = 200;
        int n = sites * perSite;
        int workers = 4;
        cluster = new Cluster(); // no REDIS_URL: the node starts (or adopts) its private redis-server
        Cluster.Roster roster = new Cluster.Roster();
        for (int s = 1; s <= sites; s++) {
            String code = String.format("FD%02d", s);
            roster.site(code, "漂移县", "08:00", "17:30");
            roster.staff(code, "captain");
            roster.children(code, perSite, 40_001 + (s - 1) * perSite);
        }
        cluster.load(roster);
        cluster.provider.latency(2);
        NodeProcess node = cluster.node("n1", Map.of("SHOUHU_OUTBOX_WORKERS", String.valueOf(workers)));
        cluster.clock("07:30"); // before the sites open: no safety event mixes in
        cluster.provider.clear();
        long t0 = System.nanoTime();
        alert(node, "county:漂移县", "fault-drain-0001");

        List<Long> restartMs = new ArrayList<>();
        int kills = 0;
        for (int threshold : new int[] {800, 1800, 2800}) {
            if (!Cluster.await(Duration.ofSeconds(90), () -> cluster.provider.acceptedCount() >= threshold)) {
                break;
            }
            long k = System.nanoTime();
            cluster.restart(node); // kill -9, start again
            kills++;
            restartMs.add((System.nanoTime() - k) / 1_000_000);
        }
        long lastRestart = System.nanoTime();
        boolean drained = Cluster.await(Duration.ofSeconds(60), () -> tally(40_001, n)[1] == 0);
        long drainMs = (System.nanoTime() - lastRestart) / 1_000_000;
        Processes.pause(1000);
        long[] d = tally(40_001, n);
        List<Long> servers = Processes.redisServersIn(cluster.dir.resolve("private-redis"));
        long pending = cluster.outboxPending();
        long bound = (long) kills * workers * 50; // a batch of 50 in flight on each worker at each kill
        new FaultReport("kill -9 the node 3 times while 5,000 messages drain (private redis)",
                "at-least-once: all delivered; duplicates ≤ the batches in flight at the kills; one redis-server")
                .counts(n, d[0], d[1], d[2])
                .figure("kills", kills)
                .figure("restart (ms)", restartMs)
                .figure("last restart to drained (ms)", drained ? drainMs : "> 60000")
                .figure("total (ms)", (System.nanoTime() - t0) / 1_000_000)
                .figure("duplicate bound", bound)
                .figure("redis-server processes at the end", servers.size())
                .figure("outbox entries pending at the end", pending)
                .check(kills == 3, "only " + kills + " kills: the drain stalled before its thresholds")
                .check(d[1] == 0, d[1] + " guardians never got the alert within 60 s of the last restart")
                .check(d[2] <= bound, d[2] + " duplicates, more than the " + bound + " in flight")
                .check(servers.size() == 1, servers.size() + " redis-server processes on the data directory")
                .finish();
    }
}
