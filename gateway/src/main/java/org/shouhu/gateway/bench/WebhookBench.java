package org.shouhu.gateway.bench;

import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.redis.ScratchDirectory;
import org.shouhu.gateway.demo.SimulatedProvider;
import org.shouhu.gateway.demo.TwilioWebhooks;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.CareStore;

/**
 * Measures the hot path on this machine: one signed inbound webhook ("4", a status query) through
 * signature check, act-once, identify, parse, handle and enqueue, answered 200; and the whole loop
 * until the simulated provider has the reply SMS. Prints latency percentiles and rates.
 */
public final class WebhookBench {

    private static final int GUARDIANS = 1000;

    private WebhookBench() {
    }

    /** {@code bench [requests] [threads]}: runs on a private Redis and a simulated provider. */
    public static int run(String[] args, PrintStream out) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        try (SimulatedProvider provider = new SimulatedProvider()) {
            Map<String, String> env = new HashMap<>();
            env.put("SHOUHU_HTTP_PORT", String.valueOf(port));
            env.put("SHOUHU_PUBLIC_URL", base);
            ScratchDirectory redisDir = ScratchDirectory.create("shouhu-bench-redis");
            env.put("SHOUHU_REDIS_DIR", redisDir.path().toString());
            env.put("SHOUHU_REPLY_CAP_PER_HOUR", "1000000");
            env.put("SHOUHU_NODE_ID", "bench");
            env.put("TWILIO_ACCOUNT_SID", "ACbench0000000000000000000000000");
            env.put("TWILIO_AUTH_TOKEN", "bench-token");
            env.put("TWILIO_FROM", "+8610690000");
            env.put("TWILIO_MPS", "unpaced"); // the webhook path is measured, not the provider's pace
            env.put("TWILIO_API_URL", provider.url());
            try (redisDir; Gateway gateway = Gateway.start(Config.fromEnv(env), Clock.systemUTC())) {
                seed(gateway.care());
                TwilioWebhooks webhooks = new TwilioWebhooks(base, base, "ACbench0000000000000000000000000",
                        "bench-token", "+8610690000");
                out.printf("warm-up: %d webhooks%n", requests / 4);
                fire(webhooks, requests / 4, threads);
                waitFor(provider, requests / 4);
                provider.take();

                out.printf("one at a time: %d webhooks%n", Math.min(requests, 5000));
                long[] single = fire(webhooks, Math.min(requests, 5000), 1);
                report(out, "sequential", single);
                waitFor(provider, single.length);
                provider.take();

                out.printf("%d concurrent clients: %d webhooks%n", threads, requests);
                long start = System.nanoTime();
                long[] concurrent = fire(webhooks, requests, threads);
                double answered = (System.nanoTime() - start) / 1e9;
                waitFor(provider, requests);
                double delivered = (System.nanoTime() - start) / 1e9;
                report(out, "concurrent", concurrent);
                out.printf("  webhooks answered: %.0f/s; reply SMS at the provider: %.0f/s (%d in %.1f s)%n",
                        requests / answered, requests / delivered, requests, delivered);
            }
        }
        return 0;
    }

    private static void seed(CareStore care) {
        care.putSite(new Site("BENCH1", "永丰小学托管点", "昭阳区", java.time.LocalTime.of(8, 0), java.time.LocalTime.of(17, 30)));
        List<CareStore.NewChild> children = new ArrayList<>();
        for (int i = 0; i < GUARDIANS; i++) {
            children.add(new CareStore.NewChild("BENCH1", "王小" + i, List.of(new Guardian(new Address(phone(i)), "奶奶"))));
        }
        care.importAll(List.of(), List.of(), children);
    }

    private static String phone(int i) {
        return String.format("+86139%08d", i);
    }

    /** Sends {@code n} webhooks from {@code threads} clients; returns each one's latency in ns. */
    private static long[] fire(TwilioWebhooks webhooks, int n, int threads) throws Exception {
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    int status = webhooks.sms(phone(i % GUARDIANS), "4");
                    latencies[i] = System.nanoTime() - t0;
                    if (status != 200) {
                        throw new IllegalStateException("webhook answered " + status);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        return latencies;
    }

    private static void waitFor(SimulatedProvider provider, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (provider.count() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void report(PrintStream out, String label, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        out.printf("  %s latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", label,
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }
}
