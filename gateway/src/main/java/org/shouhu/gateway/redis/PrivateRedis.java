package org.shouhu.gateway.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * A redis-server of our own: started on its own loopback port and Unix socket with its own data
 * directory and AOF on, stopped with the JVM. Installs redis-server with apt-get where it is missing, so a fresh
 * Debian machine needs nothing by hand. Never attaches to a server someone else left running.
 * Children's data is sensitive, so no other local user can read it: the data directory is the
 * owner's alone, the socket too, and the TCP port asks for a password made at each start, which
 * goes to redis-server in a config file only the owner can read (never on its command line,
 * which every user can see).
 */
public final class PrivateRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateRedis.class);
    /** Longest path, in bytes, a Unix socket may have on Linux: 108 with the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Process process;
    private final int port;
    private final Path socket;
    private final String password;
    private final List<String> command;
    private final FileChannel lockFile;
    private final FileLock lock;

    private PrivateRedis(Process process, List<String> command, int port, Path socket, String password,
                         FileChannel lockFile, FileLock lock) {
        this.process = process;
        this.command = List.copyOf(command);
        this.port = port;
        this.socket = socket;
        this.password = password;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Starts redis-server with {@code dataDir} (created if needed) on a free port when {@code port} is 0; stopped with the JVM. */
    public static PrivateRedis start(Path dataDir, int port) throws IOException {
        PrivateRedis redis = startOwned(dataDir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "redis-stop"));
        return redis;
    }

    /**
     * The same, for an owner that closes it itself, last (the gateway: its outbox threads must stop
     * before their server does, which a shutdown hook of its own would not wait for).
     */
    public static PrivateRedis startOwned(Path dataDir, int port) throws IOException {
        String binary = ensureInstalled();
        Files.createDirectories(dataDir);
        ownerOnly(dataDir, "rwx------");
        FileChannel lockFile = FileChannel.open(dataDir.resolve("shouhu.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            lockFile.close();
            throw new IOException("another Shouhu process is using " + dataDir
                    + "; stop it, or point this one at its server with REDIS_URL");
        }
        int chosen = port == 0 ? freePort() : port;
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        Path conf = dataDir.resolve("redis-auth.conf");
        Files.deleteIfExists(conf);
        Files.createFile(conf);
        ownerOnly(conf, "rw-------");
        Files.writeString(conf, "requirepass " + password + "\n");
        List<String> cmd = new ArrayList<>(List.of(binary, conf.toAbsolutePath().toString(),
                "--port", String.valueOf(chosen), "--bind", "127.0.0.1", "--protected-mode", "yes",
                "--dir", dataDir.toAbsolutePath().toString(),
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                // a message record (its text up to three SMS parts, about 600 bytes) stays one compact listpack
                "--hash-max-ziplist-value", "1024", // Redis 7 calls it hash-max-listpack-value and takes both
                "--daemonize", "no", "--logfile", "redis.log"));
        Path socket = dataDir.toAbsolutePath().resolve("redis.sock");
        boolean withSocket = socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
        if (withSocket) { // only this user may connect through it
            cmd.addAll(List.of("--unixsocket", socket.toString(), "--unixsocketperm", "700"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        PrivateRedis redis = new PrivateRedis(p, cmd, chosen, withSocket ? socket : null, password, lockFile, lock);
        redis.awaitReady(Duration.ofSeconds(20));
        LOG.info("private redis-server on 127.0.0.1:{} with data in {}", chosen, dataDir);
        return redis;
    }

    public int port() {
        return port;
    }

    /** The command line the server was started with (redis-server shows another title in {@code ps}). */
    List<String> command() {
        return command;
    }

    /** The URL clients connect with over TCP, with the server's password: a secret, never to be logged. */
    public String url() {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    /**
     * A pool of {@code size} connections: through the server's Unix socket when there is one and
     * this platform can open it (the gateway and its server share a machine), else over TCP.
     */
    public UnifiedJedis connect(int size) {
        if (socket != null && RedisPools.unixSupported()) {
            return RedisPools.unix(socket, password, size);
        }
        return RedisPools.tcp(url(), size);
    }

    private void awaitReady(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + " (port " + port
                        + " taken? see redis.log in the data directory)");
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 200)) {
                j.auth(password);
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                sleep(50);
            }
        }
        process.destroyForcibly();
        throw new IOException("redis-server did not answer within " + timeout);
    }

    @Override
    public void close() {
        stop();
        try {
            lock.release();
            lockFile.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("lock file: {}", e.toString());
        }
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        try (Jedis j = new Jedis("127.0.0.1", port, 2000)) {
            j.auth(password);
            j.shutdown();
        } catch (RuntimeException alreadyGoing) {
            // the process is stopping or gone; destroy below makes sure
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Only the owner may use {@code path} (on file systems with POSIX permissions; elsewhere it is left as it is). */
    private static void ownerOnly(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            LOG.warn("cannot restrict {} to its owner on this file system", path);
        }
    }

    /** The redis-server binary, installed with apt-get when missing and we are root. */
    static String ensureInstalled() throws IOException {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        LOG.info("redis-server is missing: installing it with apt-get");
        run(List.of("apt-get", "update", "-qq"));
        run(List.of("apt-get", "install", "-y", "-qq", "redis-server"));
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        throw new IOException("redis-server is not installed and apt-get could not install it; "
                + "install it (apt-get install redis-server) or set REDIS_URL");
    }

    private static void run(List<String> cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
