package org.shouhu.gateway.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * redis-server killed with SIGKILL three times under 20 inbound SMS a second and started again
 * from its AOF (losing up to its last second): no message id handed out twice, every webhook
 * answered 200 has its reply at the provider, 503 while Redis is away, back within 5 s.
 */
@Tag("fault")
class FaultRedisTest {

    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private record Post(int guardian, long sentNanos, CompletableFuture<Integer> status) {
    }

    @Test
    void redisKilledThreeTimesUnderTrafficComesBackFromItsAofWithNothingLostOrReused() throws Exception {
        int perSecond = 20;
        int seconds = 17;
        int n = perSecond * seconds;
        cluster = new Cluster(); // assigned first: @AfterEach cleans up even when a start below fails
        cluster.withRedis();
        Cluster.Roster roster = new Cluster.Roster().site("FK01", "红县", "08:00", "17:30");
        roster.staff("FK01", "captain");
        roster.children("FK01", n, 50_001);
        cluster.load(roster);
        NodeProcess node = cluster.node("n1", Map.of());
        cluster.clock("07:30"); // before the sites open: no safety event mixes in
        cluster.provider.clear();

        long t0 = System.nanoTime();
        long[] killedAt = new long[3];
        long[] backAt = new long[3];
        ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int k = 0; k < 3; k++) {
                int outage = k;
                faults.schedule(() -> {
                    cluster.redis.kill9();
                    killedAt[outage] = System.nanoTime();
                    Processes.pause(2000); // Redis away for 2 s
                    try {
                        cluster.redis.start(); // from its AOF
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    backAt[outage] = System.nanoTime();
                }, 3000L + k * 5000L, TimeUnit.MILLISECONDS);
            }
            List<Post> posts = new ArrayList<>();
            for (int i = 0; i < n; i++) { // each guardian asks once: 4 = where is my child
                int guardian = 50_001 + i;
                long sent = System.nanoTime();
                posts.add(new Post(guardian, sent, cluster.smsAsync(node, Cluster.Roster.guardian(guardian), "4",
                        cluster.sid(), Duration.ofSeconds(20))));
                Processes.pause(Math.max(0, (t0 + (i + 1) * (1_000_000_000L / perSecond) - System.nanoTime()) / 1_000_000));
            }
            faults.shutdown();
            faults.awaitTermination(30, TimeUnit.SECONDS);

            Map<Integer, Integer> statuses = new TreeMap<>();
            List<Integer> answered = new ArrayList<>();
            Map<Integer, Integer> duringOutage = new TreeMap<>();
            long[] recoveredMs = {-1, -1, -1};
            for (Post p : posts) {
                int status = p.status().join();
                statuses.merge(status, 1, Integer::sum);
                if (status == 200) {
                    answered.add(p.guardian());
                }
                for (int k = 0; k < 3; k++) {
                    if (p.sentNanos() >= killedAt[k] && p.sentNanos() < backAt[k]) {
                        duringOutage.merge(status, 1, Integer::sum);
                    }
                    if (status == 200 && p.sentNanos() >= backAt[k] && recoveredMs[k] < 0) {
                        recoveredMs[k] = (p.sentNanos() - backAt[k]) / 1_000_000;
                    }
                }
            }
            Cluster.await(Duration.ofSeconds(30), () -> answered.stream()
                    .allMatch(g -> !cluster.provider.to(Cluster.Roster.guardian(g), "").isEmpty()));
            Processes.pause(2000);
            long withReply = answered.stream().filter(g -> !cluster.provider.to(Cluster.Roster.guardian(g), "").isEmpty()).count();
            Map<String, Set<String>> contentById = new HashMap<>();
            for (FakeProvider.Sms s : cluster.provider.accepted()) {
                if (s.messageId() != null) {
                    contentById.computeIfAbsent(s.messageId(), k -> new HashSet<>()).add(s.to() + "\n" + s.body());
                }
            }
            long reused = contentById.values().stream().filter(c -> c.size() > 1).count();
            long duplicated = 0;
            String example = "-";
            for (int g : answered) {
                List<FakeProvider.Sms> got = cluster.provider.to(Cluster.Roster.guardian(g), "");
                if (got.size() > 1) {
                    duplicated += got.size() - 1;
                    if (example.equals("-")) {
                        example = got.stream().map(x -> x.messageId() + ":" + x.body()).toList().toString();
                    }
                }
            }
            boolean nonOutageNon200 = duringOutage.keySet().stream().anyMatch(s -> s != 503 && s != 200);
            long slowest = java.util.Arrays.stream(recoveredMs).max().orElse(-1);

            new FaultReport("kill -9 redis-server 3 times at 20 inbound/s, back from AOF",
                    "every webhook answered 200 has its reply; no id reused; 503 while away; back within 5 s")
                    .counts(answered.size(), withReply, answered.size() - withReply, duplicated)
                    .figure("webhooks", n)
                    .figure("answers", statuses)
                    .figure("answers while Redis was away", duringOutage)
                    .figure("ids reused for other content", reused)
                    .figure("a guardian's SMS when more than one", example)
                    .figure("Redis back to first 200 (ms)", java.util.Arrays.toString(recoveredMs))
                    .figure("node alive", node.alive())
                    .check(answered.size() == withReply, (answered.size() - withReply) + " webhooks answered 200 have no reply at the provider")
                    .check(reused == 0, reused + " message ids used for different messages")
                    .check(duringOutage.getOrDefault(503, 0) > 0, "no 503 while Redis was away: " + duringOutage)
                    .check(!nonOutageNon200, "while Redis was away the node answered other than 503: " + duringOutage)
                    .check(!statuses.containsKey(500), statuses.get(500) + " webhooks answered 500")
                    .check(slowest >= 0 && slowest <= 5000 && java.util.Arrays.stream(recoveredMs).allMatch(r -> r >= 0),
                            "not back within 5 s of Redis: " + java.util.Arrays.toString(recoveredMs))
                    .finish();
        } finally {
            faults.shutdownNow();
        }
    }
}
