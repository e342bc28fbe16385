package org.shouhu.gateway.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

/**
 * An open-loop client: sends the prepared requests at a fixed rate whatever the answers do, and
 * measures each from the moment it was due to be sent (not when it went), so a stall is counted
 * against every request it held up — latency free of coordinated omission (HdrHistogram).
 */
final class OpenLoop {

    /** Latency percentiles in ms, and how many answers were not 200 or did not come. */
    record Result(double p50Ms, double p99Ms, double maxMs, long sent, long failed) {
    }

    private OpenLoop() {
    }

    static Result run(List<HttpRequest> requests, int perSecond) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Recorder recorder = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime();
        CompletableFuture<?>[] all = new CompletableFuture<?>[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            all[i] = http.sendAsync(requests.get(i), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        recorder.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                        if (e != null || r.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                    });
        }
        try {
            CompletableFuture.allOf(all).get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // counted per request above
        }
        Histogram h = recorder.getIntervalHistogram();
        return new Result(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                requests.size(), failed.get());
    }
}
