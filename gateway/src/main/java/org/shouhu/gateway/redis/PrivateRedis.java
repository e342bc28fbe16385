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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * A redis-server of our own: started on its own loopback port and Unix socket with its own data
 * directory and AOF on, stopped with the JVM. Installs redis-server with apt-get where it is missing, so a fresh
 * Debian machine needs nothing by hand. Children's data is sensitive, so no other local user can read it: the data directory is the
 * owner's alone, the socket too, and the TCP port asks for a password made at each start, which
 * goes to redis-server in a config file only the owner can read (never on its command line,
 * which every user can see).
 *
 * <p>One server per data directory, supervised: the JVM holds the directory's lock file
 * ({@code shouhu.lock}) for as long as it runs; a redis-server still running on the directory
 * when the lock is taken was left by a JVM that died (kill -9) — recognised as ours by its
 * binary and its working directory, the data directory — and is shut down cleanly (with the
 * password file it was started with, else SIGTERM; both write its AOF) before ours starts, so two
 * servers never share one AOF. {@code redis-server.pid} names the running server. A supervisor
 * thread starts the server again, from its AOF, on the same port, socket and password, whenever
 * it dies, and tells the listeners (the node drops its pooled connections to the dead one). The
 * server runs with {@code maxmemory} and {@code noeviction}: full, it refuses writes rather than
 * dropping children's data.
 */
public final class PrivateRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateRedis.class);
    /** Longest path, in bytes, a Unix socket may have on Linux: 108 with the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The memory a server gets unless told otherwise: a city's season took 1.7 GB (docs/season-simulation.md). */
    public static final String DEFAULT_MAX_MEMORY = "4gb";
    /** How long a server may take to load its AOF before it is given up on (a season's AOF is about 2 GB). */
    private static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);
    static final String PID_FILE = "redis-server.pid";
    private static final String AUTH_FILE = "redis-auth.conf";

    private final Path dataDir;
    private final int port;
    private final Path socket;
    private final String password;
    private final List<String> command;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final List<Runnable> restartListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> deathListeners = new CopyOnWriteArrayList<>();
    private volatile Process process;
    private volatile boolean closing;
    private Thread supervisor;

    private PrivateRedis(Path dataDir, List<String> command, int port, Path socket, String password,
                         FileChannel lockFile, FileLock lock) {
        this.dataDir = dataDir;
        this.command = List.copyOf(command);
        this.port = port;
        this.socket = socket;
        this.password = password;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Starts redis-server with {@code dataDir} (created if needed) on a free port when {@code port} is 0,
     * with {@code maxMemory} for its {@code maxmemory}; stopped with the JVM.
     */
    public static PrivateRedis start(Path dataDir, int port, String maxMemory) throws IOException {
        PrivateRedis redis = startOwned(dataDir, port, maxMemory);
        Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "redis-stop"));
        return redis;
    }

    /**
     * The same, for an owner that closes it itself, last (the gateway: its outbox threads must stop
     * before their server does, which a shutdown hook of its own would not wait for).
     */
    public static PrivateRedis startOwned(Path dataDir, int port) throws IOException {
        return startOwned(dataDir, port, DEFAULT_MAX_MEMORY);
    }

    /** The same, with {@code maxMemory} ({@code 4gb}, {@code 512mb}) for the server's {@code maxmemory}. */
    public static PrivateRedis startOwned(Path dataDir, int port, String maxMemory) throws IOException {
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
        try {
            stopOrphans(dataDir, binary); // the lock is ours: any server on this directory was left by a dead JVM
            int chosen = port == 0 ? freePort() : port;
            byte[] secret = new byte[24];
            RANDOM.nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            Path conf = dataDir.resolve(AUTH_FILE);
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
                    // full, it refuses writes (the node answers 503) rather than evicting children's data
                    "--maxmemory", maxMemory, "--maxmemory-policy", "noeviction",
                    "--daemonize", "no", "--logfile", "redis.log"));
            Path socket = dataDir.toAbsolutePath().resolve("redis.sock");
            boolean withSocket = socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
            if (withSocket) { // only this user may connect through it
                cmd.addAll(List.of("--unixsocket", socket.toString(), "--unixsocketperm", "700"));
            }
            PrivateRedis redis = new PrivateRedis(dataDir, cmd, chosen, withSocket ? socket : null, password,
                    lockFile, lock);
            redis.launch();
            redis.supervise();
            LOG.info("private redis-server (pid {}) on 127.0.0.1:{} with data in {}, maxmemory {}",
                    redis.process.pid(), chosen, dataDir, maxMemory);
            return redis;
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockFile.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The command line the server was started with (redis-server shows another title in {@code ps}). */
    List<String> command() {
        return command;
    }

    /** The process id of the server running now (it changes when the supervisor restarts it). */
    public long pid() {
        return process.pid();
    }

    /** Runs {@code listener} each time the supervisor sees the server die (before it starts it again). */
    public void onDeath(Runnable listener) {
        deathListeners.add(listener);
    }

    /** Runs {@code listener} each time the supervisor has started the server again after it died. */
    public void onRestart(Runnable listener) {
        restartListeners.add(listener);
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

    /** Starts the server process and waits until it answers (after loading its AOF). */
    private void launch() throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process = p;
        awaitReady(p, LOAD_TIMEOUT);
        Files.writeString(dataDir.resolve(PID_FILE), p.pid() + " " + port + "\n");
    }

    /** Starts the thread that starts the server again whenever it dies, until {@link #close}. */
    private void supervise() {
        supervisor = new Thread(() -> {
            while (!closing) {
                Process p = process;
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    continue; // closing, checked above
                }
                if (closing) {
                    return;
                }
                LOG.error("Redis is away: redis-server (pid {}) exited with {}; starting it again from its AOF",
                        p.pid(), p.exitValue());
                deathListeners.forEach(PrivateRedis::runQuietly);
                long since = System.nanoTime();
                long backoff = 100;
                while (!closing) {
                    try {
                        launch();
                        LOG.warn("Redis is back: redis-server (pid {}) answers again after {} ms", process.pid(),
                                (System.nanoTime() - since) / 1_000_000);
                        restartListeners.forEach(PrivateRedis::runQuietly);
                        break;
                    } catch (IOException | RuntimeException e) {
                        if (closing) {
                            return;
                        }
                        LOG.error("redis-server did not start again ({}); trying again in {} ms", e.toString(), backoff);
                        sleep(backoff);
                        backoff = Math.min(backoff * 2, 5_000);
                    }
                }
            }
        }, "redis-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    private static void runQuietly(Runnable listener) {
        try {
            listener.run();
        } catch (RuntimeException e) {
            LOG.warn("after the Redis restart: {}", e.toString());
        }
    }

    private void awaitReady(Process p, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !closing) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited with " + p.exitValue() + " (port " + port
                        + " taken? see redis.log in the data directory)");
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 200)) {
                j.auth(password);
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) { // refused, or still loading its AOF
                sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not answer within " + timeout);
    }

    /**
     * Shuts down every redis-server whose working directory is {@code dataDir} (redis-server works
     * in its {@code --dir}): they were started by a JVM that died without stopping them. Each is
     * asked to SHUTDOWN with the password in the directory's auth file (which writes its AOF), else
     * sent SIGTERM (which does the same), else killed.
     */
    static void stopOrphans(Path dataDir, String binary) throws IOException {
        for (ProcessHandle orphan : serversOn(dataDir, binary)) {
            LOG.warn("a redis-server (pid {}) left by a stopped node still runs on {}: stopping it before starting ours",
                    orphan.pid(), dataDir);
            if (!shutDownWithPassword(dataDir, orphan)) {
                orphan.destroy();
            }
            try {
                orphan.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException slow) {
                orphan.destroyForcibly();
                try {
                    orphan.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IOException("could not stop redis-server " + orphan.pid() + " on " + dataDir, e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted stopping redis-server " + orphan.pid(), e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e);
            }
        }
    }

    /** The redis-server processes of {@code binary} working in {@code dataDir}. */
    static List<ProcessHandle> serversOn(Path dataDir, String binary) throws IOException {
        Path dir = dataDir.toRealPath();
        Path exe = Path.of(binary).toRealPath();
        List<ProcessHandle> found = new ArrayList<>();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            if (p.pid() == ProcessHandle.current().pid() || !p.info().command().map(c -> sameFile(c, exe)).orElse(false)) {
                continue;
            }
            try {
                if (Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd")).equals(dir)) {
                    found.add(p);
                }
            } catch (IOException | UnsupportedOperationException notOurs) {
                // another user's process, or gone meanwhile
            }
        }
        return found;
    }

    private static boolean sameFile(String command, Path exe) {
        try {
            return Path.of(command).toRealPath().equals(exe);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** SHUTDOWN through the port named in the pid file, with the password of the auth file: whether it was taken. */
    private static boolean shutDownWithPassword(Path dataDir, ProcessHandle orphan) {
        try {
            String[] pidAndPort = Files.readString(dataDir.resolve(PID_FILE)).strip().split(" ");
            String conf = Files.readString(dataDir.resolve(AUTH_FILE)).strip();
            if (pidAndPort.length != 2 || Long.parseLong(pidAndPort[0]) != orphan.pid() || !conf.startsWith("requirepass ")) {
                return false;
            }
            try (Jedis j = new Jedis("127.0.0.1", Integer.parseInt(pidAndPort[1]), 2000)) {
                j.auth(conf.substring("requirepass ".length()));
                j.shutdown();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException goneAsAsked) {
                // SHUTDOWN closes the connection without an answer
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.info("could not ask redis-server {} to shut down ({}); sending it SIGTERM", orphan.pid(), e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        closing = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        stop();
        try {
            Files.deleteIfExists(dataDir.resolve(PID_FILE));
        } catch (IOException e) {
            LOG.debug("pid file: {}", e.toString());
        }
        try {
            lock.release();
            lockFile.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("lock file: {}", e.toString());
        }
    }

    private void stop() {
        Process process = this.process;
        if (process == null || !process.isAlive()) {
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

    /** The redis-server binary, installed with apt-get when missing and we are root (the fault suite's servers use it too). */
    public static synchronized String ensureInstalled() throws IOException {
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
