package org.shouhu.gateway.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A redis-server the fault suite owns: its own data directory, AOF on with {@code appendfsync
 * everysec} as in the field, a fixed free port so a restart from the AOF is found where the nodes
 * look for it; killed with SIGKILL, paused with SIGSTOP.
 */
final class RedisProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    RedisProcess(Path dir) throws IOException {
        this.dir = dir;
        this.port = Processes.freePort();
        Files.createDirectories(dir);
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the server (again), loading what its AOF holds, and waits until it answers PING. */
    RedisProcess start() throws IOException {
        process = new ProcessBuilder(List.of(org.shouhu.gateway.redis.PrivateRedis.ensureInstalled(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toAbsolutePath().toString(), "--appendonly", "yes", "--appendfsync", "everysec",
                "--save", "", "--daemonize", "no", "--logfile", "redis.log"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see " + dir.resolve("redis.log"));
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port, 500)) {
                if ("PONG".equals(jedis.ping())) {
                    return this;
                }
            } catch (RuntimeException e) {
                // loading the AOF, or not listening yet
            }
            Processes.pause(50);
        }
        Processes.kill9(process);
        throw new IOException("redis-server did not answer within 20 s");
    }

    /** SIGKILL: what is not yet fsynced to the AOF (up to a second) is lost. */
    void kill9() {
        Processes.kill9(process);
    }

    void pause() throws IOException {
        Processes.signal(process.pid(), "STOP");
    }

    void resume() throws IOException {
        Processes.signal(process.pid(), "CONT");
    }

    Jedis connect() {
        return new Jedis("127.0.0.1", port, 5000);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                Processes.signal(process.pid(), "CONT");
            } catch (IOException e) {
                // gone already
            }
            Processes.kill9(process);
        }
    }
}
