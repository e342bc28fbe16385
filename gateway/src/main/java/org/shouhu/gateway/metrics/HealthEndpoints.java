package org.shouhu.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;

/**
 * The node's health for an orchestrator or a load balancer: {@code /health/live} answers 200 while the
 * process serves HTTP at all, on the event loop, however busy its workers (restart it when it does not); {@code /health/ready} (and {@code /health})
 * answers 200 when Redis answers and the scheduler that drives reminders, no-shows and alerts is running,
 * else 503 naming what is wrong (send it no traffic meanwhile).
 */
public final class HealthEndpoints {

    private final BooleanSupplier redisAnswers;
    private final BooleanSupplier schedulerRuns;

    /**
     * @param redisAnswers  whether Redis answers a {@code PING} now (false, not an exception, when it does not)
     * @param schedulerRuns whether the safety sweep's scheduler runs (true on a node configured without one)
     */
    public HealthEndpoints(BooleanSupplier redisAnswers, BooleanSupplier schedulerRuns) {
        this.redisAnswers = redisAnswers;
        this.schedulerRuns = schedulerRuns;
    }

    /**
     * {@code GET /health/live}'s answer, given on the event loop without a worker: a full worker queue or
     * workers all waiting on a stalled Redis must not make a serving node look dead (an orchestrator would
     * restart it, maybe every node at once).
     */
    public static final HttpReply LIVE = HttpReply.text(200, "live");

    /** {@code GET /health/ready} and {@code GET /health}. */
    public HttpEndpoint ready() {
        return call -> {
            List<String> wrong = new ArrayList<>();
            if (!redisAnswers.getAsBoolean()) {
                wrong.add("redis does not answer");
            }
            if (!schedulerRuns.getAsBoolean()) {
                wrong.add("the scheduler is not running");
            }
            return wrong.isEmpty() ? HttpReply.text(200, "ready")
                    : HttpReply.text(503, "not ready: " + String.join("; ", wrong)).withHeader("Retry-After", "5");
        };
    }
}
