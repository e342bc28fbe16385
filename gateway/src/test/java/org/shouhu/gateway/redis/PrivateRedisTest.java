package org.shouhu.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

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
    void noOtherLocalUserCanReachTheChildrensData() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("shouhu-private-redis");
        Path dir = scratch.path().resolve("data");
        try (scratch; PrivateRedis server = PrivateRedis.startOwned(dir, 0)) {
            try (Jedis stranger = new Jedis("127.0.0.1", server.port())) {
                JedisDataException refused = assertThrows(JedisDataException.class, () -> stranger.get("sh:probe"));
                assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
            }
            try (UnifiedJedis owner = new JedisPooled(URI.create(server.url()))) {
                assertEquals("PONG", owner.ping(), "the node's own URL carries the password");
            }
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)),
                    "the data directory (the AOF with every child's record) is the owner's alone");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("redis-auth.conf"))));
            String password = URI.create(server.url()).getUserInfo().substring(1);
            assertEquals(48, password.length());
            assertTrue(Files.readString(dir.resolve("redis-auth.conf")).contains("requirepass " + password));
            assertTrue(server.command().contains(dir.resolve("redis-auth.conf").toAbsolutePath().toString()));
            assertFalse(server.command().stream().anyMatch(arg -> arg.contains(password)),
                    "every local user can read a command line");
        }
    }

    /** Data directories whose socket path would pass Linux's 107 bytes: the node still gets its server, over TCP. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "a-data-directory-nested-deep-enough-a-data-directory-nested-deep-enough-a-data-directory-nested-deep-enough",
        "昭通市鲁甸县龙头山镇托管点数据目录昭通市鲁甸县龙头山镇托管点数据目录", // 34 characters but 102 bytes
    })
    void aDataDirectoryTooLongForASocketStillGetsItsServerOverTcp(String name) throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create("shouhu-private-redis");
        Path dir = scratch.path().resolve(name);
        try (scratch; PrivateRedis server = PrivateRedis.startOwned(dir, 0); UnifiedJedis redis = server.connect(2)) {
            redis.set("sh:probe", "好");
            assertEquals("好", redis.get("sh:probe"));
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
