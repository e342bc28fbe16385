package org.shouhu.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

class PrivateRedisTest {

    @Test
    void theNodeTalksToItsOwnServerThroughTheUnixSocket() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("shouhu-private-redis");
        Path dir = scratch.path();
        try (scratch; PrivateRedis server = PrivateRedis.startOwned(dir, 0); UnifiedJedis redis = server.connect(2)) {
            redis.set("sh:probe", "好");
            assertEquals("好", redis.get("sh:probe"));
            assertTrue(clientAddress(redis).startsWith(dir.resolve("redis.sock").toAbsolutePath().toString()),
                    "connected as " + clientAddress(redis));
            assertTrue(Files.exists(dir.resolve("appendonlydir")), "AOF on");
        }
        assertFalse(Files.exists(dir), "a run's scratch directory is gone with its AOF when the run ends");
    }

    @Test
    void aDataDirectoryTooDeepForASocketStillGetsItsServerOverTcp() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("shouhu-private-redis");
        Path dir = scratch.path().resolve("a-data-directory-nested-deep-enough".repeat(3));
        try (scratch; PrivateRedis server = PrivateRedis.startOwned(dir, 0); UnifiedJedis redis = server.connect(2)) {
            redis.set("sh:probe", "1");
            assertEquals("1", redis.get("sh:probe"));
            assertTrue(clientAddress(redis).startsWith("127.0.0.1:"), "connected as " + clientAddress(redis));
        }
    }

    @Test
    void aDataDirectoryWhoseNameIsShortInCharactersButLongInBytesAlsoGetsTcp() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("shouhu-private-redis");
        Path dir = scratch.path().resolve("昭通市鲁甸县龙头山镇托管点数据目录".repeat(2)); // 34 characters, 102 bytes
        try (scratch; PrivateRedis server = PrivateRedis.startOwned(dir, 0); UnifiedJedis redis = server.connect(2)) {
            assertEquals("PONG", redis.ping());
            assertTrue(clientAddress(redis).startsWith("127.0.0.1:"), "connected as " + clientAddress(redis));
        }
    }

    /** The {@code addr} Redis reports for this connection: {@code /path/redis.sock:0} or {@code 127.0.0.1:port}. */
    private static String clientAddress(UnifiedJedis redis) {
        String info = new String((byte[]) redis.sendCommand(Protocol.Command.CLIENT, "INFO"), StandardCharsets.UTF_8);
        for (String field : info.strip().split(" ")) {
            if (field.startsWith("addr=")) {
                return field.substring("addr=".length());
            }
        }
        throw new AssertionError("no addr in " + info);
    }
}
