package org.shouhu.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.shouhu.gateway.http.HttpObserver;
import org.shouhu.gateway.store.redis.RedisGauges;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.port.ChannelSender;

/**
 * The node's metrics in one Micrometer registry, read as Prometheus text by {@code GET /metrics}:
 * HTTP answers by route and status with their time (the webhooks among them), provider calls by
 * channel and outcome, each message's wait from queued to taken by the provider by channel and
 * lane, the outbox's depth per channel and lane, the escalations open at each step, a Redis round
 * trip, and the JVM's memory, GC, threads and CPU. What comes from Redis is read at each scrape.
 */
public final class GatewayMetrics implements HttpObserver, AutoCloseable {

    /**
     * The steps an escalation ladder can be open at, as its gauge names them: the guardians' and the captain's.
     * Its last step, the coordinator's, closes it as it is sent.
     */
    static final List<String> STEPS = List.of("guardians", "captain");
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(12)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Clock clock;
    private final BooleanSupplier redisAway;
    /** This scrape's reading of the open escalations; null before the first step gauge asks. */
    private volatile Map<Integer, Long> lastEscalations;
    /** Each timer by its name and tags, so an answer or a send finds its timer without building its id again. */
    private final Map<List<Object>, Timer> timers = new ConcurrentHashMap<>();
    /** The refused calls of the last hour, for the console (the timers count since the node started). */
    private final RecentSendErrors recentErrors;

    /**
     * Metrics of a node whose Redis is read through {@code gauges} unless {@code redisAway} says it is away (then
     * those read NaN at once, rather than each waiting out the socket's timeout); {@code clock} times the
     * outbox's waits.
     */
    public GatewayMetrics(RedisGauges gauges, BooleanSupplier redisAway, Clock clock) {
        this.clock = clock;
        this.redisAway = redisAway;
        this.recentErrors = new RecentSendErrors(clock);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (String channel : Lane.CHANNELS) {
            for (Lane lane : Lane.values()) {
                Gauge.builder("shouhu.outbox.depth", () -> fromRedis(() -> gauges.outboxDepth(channel, lane)))
                        .description("messages in the lane, unread or in flight (not those put off: see shouhu_outbox_delayed)")
                        .tag("channel", channel).tag("lane", lane.key()).register(registry);
            }
        }
        Gauge.builder("shouhu.outbox.delayed", () -> fromRedis(gauges::outboxDelayed))
                .description("messages put off to a later time: retries after a failure or a throttle, quiet-hours holds")
                .register(registry);
        for (int step = 0; step < STEPS.size(); step++) {
            int at = step;
            Gauge.builder("shouhu.escalations.open", () -> fromRedis(() -> escalations(gauges).getOrDefault(at, 0L)))
                    .description("escalation ladders open, by the step they have reached")
                    .tag("step", STEPS.get(step)).register(registry);
        }
        Gauge.builder("shouhu.redis.round.trip", () -> fromRedis(gauges::roundTripSeconds)).baseUnit("seconds")
                .description("one PING to Redis and back, at the scrape").register(registry);
    }

    /** A value read from Redis, or NaN while Redis is away. */
    private Number fromRedis(java.util.function.Supplier<Number> read) {
        return redisAway.getAsBoolean() ? Double.NaN : read.get();
    }

    /** The open escalations by step, read once for all the step gauges of one scrape (so they agree). */
    private Map<Integer, Long> escalations(RedisGauges gauges) {
        Map<Integer, Long> read = lastEscalations;
        if (read == null) {
            read = gauges.openEscalationsByStep();
            lastEscalations = read;
        }
        return read;
    }

    @Override
    public void answered(String route, int status, long nanos) {
        timers.computeIfAbsent(List.of("http", route, status), k -> Timer.builder("shouhu.http.requests")
                .description("HTTP answers, by route and status").tag("route", route).tag("status", String.valueOf(status))
                .serviceLevelObjectives(BUCKETS).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code sender} with its calls counted and timed, and each message's wait from queued to taken. */
    public ChannelSender metered(ChannelSender sender) {
        return new MeteredSender(sender, this);
    }

    /** One provider call: its channel, outcome ({@code sent}, {@code throttled}, {@code transient}, {@code permanent}), error code. */
    void called(String channel, String outcome, String error, long nanos) {
        timers.computeIfAbsent(List.of("send", channel, outcome, error), k -> Timer.builder("shouhu.sends")
                .description("provider calls, by channel, outcome and error code")
                .tag("channel", channel).tag("outcome", outcome).tag("error", error).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (!"sent".equals(outcome)) {
            recentErrors.add(channel, outcome, error);
        }
    }

    /** The provider calls this node saw refused in the last hour, by channel, outcome and error code, most first. */
    public List<RecentSendErrors.Count> recentSendErrors() {
        return recentErrors.lastHour();
    }

    /** A message taken by the provider {@code waited} after it was queued (retries and holds included). */
    void waited(String channel, Lane lane, Duration waited) {
        timers.computeIfAbsent(List.of("wait", channel, lane), k -> Timer.builder("shouhu.outbox.wait")
                .description("from queued to taken by the provider, by channel and lane")
                .tag("channel", channel).tag("lane", lane.key()).serviceLevelObjectives(BUCKETS).register(registry))
                .record(waited.isNegative() ? Duration.ZERO : waited);
    }

    Clock clock() {
        return clock;
    }

    /** Everything, in Prometheus's text format. */
    public synchronized String scrape() {
        lastEscalations = null;
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
