package org.shouhu.gateway.redis;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Watches whether a node's Redis answers, private or given: logs one clear line when it goes away
 * and one when it is back (with how long it was away), and when it is back drops the pool's idle
 * connections to the server that went away, so the node recovers within a check. The HTTP front
 * asks it, after a request failed, whether to answer 503 (Redis away) rather than 500.
 */
public final class RedisWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWatch.class);

    private final UnifiedJedis redis;
    private final ScheduledExecutorService timer;
    private volatile boolean away;
    private volatile long awaySince;
    /** When Redis last came back (nanoTime); long ago at first. */
    private volatile long lastBack = System.nanoTime() - java.util.concurrent.TimeUnit.DAYS.toNanos(1);

    private RedisWatch(UnifiedJedis redis) {
        this.redis = redis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Checks {@code redis} every {@code every} until closed. */
    public static RedisWatch start(UnifiedJedis redis, Duration every) {
        RedisWatch watch = new RedisWatch(redis);
        watch.timer.scheduleWithFixedDelay(watch::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /**
     * Whether {@code failure}, or what caused it (a route or an endpoint may wrap it), is Redis out of
     * reach: the one test the HTTP front (503, not 500) and the outbox worker (no entry-by-entry retry) share.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JedisConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** Whether Redis was away at the last check. */
    public boolean away() {
        return away;
    }

    /**
     * Whether Redis is away now, or was at some moment since {@code sinceNanos} (a {@link System#nanoTime()}):
     * a request that began then and failed failed because Redis was away. Checks Redis at once.
     */
    public boolean awaySince(long sinceNanos) {
        return !check() || lastBack - sinceNanos >= 0;
    }

    /** Redis went away (the supervisor saw its server exit): logged, and requests failing now get 503. */
    public synchronized void markAway(String why) {
        if (!away) {
            away = true;
            awaySince = System.nanoTime();
            LOG.error("Redis is away ({}): requests are answered 503 until it is back", why);
        }
    }

    /** Redis answers again (the supervisor's server is up, or a check got an answer): logged, idle connections dropped. */
    public synchronized void markBack() {
        RedisPools.dropIdle(redis); // they were opened to the server that went away
        lastBack = System.nanoTime();
        if (away) {
            away = false;
            LOG.warn("Redis is back after {} ms", (lastBack - awaySince) / 1_000_000);
        }
    }

    /** Pings Redis; logs and acts on a change. Returns whether it answered. */
    synchronized boolean check() {
        try {
            redis.ping();
        } catch (RuntimeException e) {
            markAway(e.toString());
            return false;
        }
        if (away) {
            markBack();
        }
        return true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
