package org.shouhu.gateway.redis;

import java.nio.file.Path;
import redis.clients.jedis.UnifiedJedis;

/** A node's JVM in miniature, for a test to kill -9: starts the private server on a directory, writes, then waits. */
public final class OrphanServerMain {

    private OrphanServerMain() {
    }

    public static void main(String[] args) throws Exception {
        PrivateRedis redis = PrivateRedis.startOwned(Path.of(args[0]), 0);
        try (UnifiedJedis client = redis.connect(1)) {
            client.set("sh:probe", "written before the crash");
        }
        System.out.println("up " + redis.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
