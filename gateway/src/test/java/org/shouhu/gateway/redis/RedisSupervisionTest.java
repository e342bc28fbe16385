package org.shouhu.gateway.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/** One supervised redis-server per data directory, with real processes killed -9. */
class RedisSupervisionTest {

    @Test
    void aSecondStartAfterTheFirstJvmDiedLeavesExactlyOneServer() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("shouhu-orphan")) {
            Path dir = scratch.path().resolve("data");
            Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OrphanServerMain.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            long orphanPid = awaitUp(jvm);
            jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9: no shutdown hook runs
            String binary = PrivateRedis.ensureInstalled();
            assertEquals(List.of(orphanPid), pids(dir, binary), "the dead JVM's redis-server still runs on its AOF");

            try (PrivateRedis second = PrivateRedis.startOwned(dir, 0); UnifiedJedis redis = second.connect(2)) {
                assertEquals(List.of(second.pid()), pids(dir, binary), "exactly one redis-server on the directory");
                assertTrue(ProcessHandle.of(orphanPid).map(p -> !p.isAlive()).orElse(true), "the orphan was stopped");
                assertEquals("written before the crash", redis.get("sh:probe"), "its data came through, from the AOF");
                assertEquals(second.pid() + " " + second.port(), Files.readString(dir.resolve(PrivateRedis.PID_FILE)).strip());
            }
            assertEquals(List.of(), pids(dir, binary), "stopped with its node");
        }
    }

    @Test
    void aServerKilledMinus9IsStartedAgainAndThePoolRecoversWithinSeconds() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("shouhu-supervised");
             PrivateRedis server = PrivateRedis.startOwned(scratch.path(), 0);
             UnifiedJedis redis = server.connect(4)) {
            AtomicInteger restarts = new AtomicInteger();
            server.onRestart(() -> RedisPools.dropIdle(redis));
            server.onRestart(restarts::incrementAndGet);
            redis.set("sh:probe", "kept");
            IntStream.range(0, 16).parallel().forEach(i -> redis.incr("sh:probe:n")); // several pooled connections
            long killed = server.pid();

            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            long started = System.nanoTime();
            String value = null;
            while (value == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
                try {
                    value = redis.get("sh:probe");
                } catch (RuntimeException away) {
                    Thread.sleep(20);
                }
            }
            assertEquals("kept", value, "answers again within 5 s, with its data");
            assertNotEquals(killed, server.pid());
            for (long waited = System.nanoTime(); restarts.get() == 0 && System.nanoTime() - waited < 2_000_000_000L; ) {
                Thread.sleep(5); // the listeners run just after the server answers again
            }
            assertEquals(1, restarts.get());
            for (int i = 0; i < 8; i++) {
                assertEquals("16", redis.get("sh:probe:n"), "no connection to the dead server is handed out");
            }
            assertEquals(List.of(server.pid()), pids(scratch.path(), PrivateRedis.ensureInstalled()));
            assertTrue(String.join(" ", server.command()).contains("--maxmemory 4gb --maxmemory-policy noeviction"));
            assertEquals("noeviction", ServerInfo.field(redis, "memory", "maxmemory_policy"));
        }
    }

    private static List<Long> pids(Path dir, String binary) throws Exception {
        return PrivateRedis.serversOn(dir, binary).stream().map(ProcessHandle::pid).toList();
    }

    private static long awaitUp(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("up ")) {
                return Long.parseLong(line.substring(3).strip());
            }
        }
        throw new AssertionError("the child JVM exited with " + jvm.waitFor());
    }
}
