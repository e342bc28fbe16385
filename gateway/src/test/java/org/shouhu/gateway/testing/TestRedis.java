package org.shouhu.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.shouhu.gateway.redis.PrivateRedis;
import org.shouhu.gateway.redis.ScratchDirectory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * One private redis-server for the whole test run (own port, own temporary data dir), or the
 * server named by REDIS_URL. Each test calls {@link #fresh()} to start from an empty database.
 */
public final class TestRedis {

    private static UnifiedJedis client;
    private static String url;

    private TestRedis() {
    }

    /** A client on an emptied database. */
    public static synchronized UnifiedJedis fresh() {
        UnifiedJedis redis = client();
        redis.flushDB();
        return redis;
    }

    public static synchronized UnifiedJedis client() {
        if (client == null) {
            client = new JedisPooled(url());
        }
        return client;
    }

    /** The URL of the test server, for a gateway under test (REDIS_URL). */
    public static synchronized String url() {
        if (url == null) {
            url = startOrGiven();
        }
        return url;
    }

    private static String startOrGiven() {
        String given = System.getenv("REDIS_URL");
        if (given != null && !given.isBlank()) {
            return given;
        }
        try {
            ScratchDirectory dir = ScratchDirectory.create("shouhu-test-redis");
            PrivateRedis redis = PrivateRedis.startOwned(dir.path(), 0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                redis.close();
                dir.close();
            }, "test-redis-stop"));
            return redis.url();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a private redis-server for the tests", e);
        }
    }
}
