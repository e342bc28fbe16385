package org.shouhu.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.store.redis.RedisGauges;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** A scrape while Redis is away answers at once, its Redis readings NaN, instead of waiting out a timeout per gauge. */
class GatewayMetricsTest {

    @Test
    void whileRedisIsAwayItsGaugesReadNaNAtOnce() throws Exception {
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()); // takes connections, never answers
             JedisPooled redis = new JedisPooled(new HostAndPort("127.0.0.1", stalled.getLocalPort()),
                     DefaultJedisClientConfig.builder().connectionTimeoutMillis(2000).socketTimeoutMillis(2000).build());
             GatewayMetrics metrics = new GatewayMetrics(new RedisGauges(redis), () -> true, Clock.systemUTC())) {
            long began = System.nanoTime();
            String scrape = metrics.scrape();
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertTrue(scrape.contains("shouhu_outbox_depth{channel=\"sms\",lane=\"confirm\"} NaN"), scrape);
            assertTrue(scrape.contains("shouhu_escalations_open{step=\"captain\"} NaN"), scrape);
            assertTrue(scrape.contains("shouhu_redis_round_trip_seconds NaN"), scrape);
            assertTrue(scrape.contains("jvm_threads_live_threads"), "the JVM's own meters still read");
            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "no Redis call waited out its 2 s: " + took);
        }
    }
}
