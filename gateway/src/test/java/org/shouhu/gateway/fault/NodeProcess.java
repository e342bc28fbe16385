package org.shouhu.gateway.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway node as a separate JVM ({@code org.shouhu.gateway.Main serve} on the test JVM's
 * class path), its output in a log file; started again on the same port after a SIGKILL.
 */
final class NodeProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    final String name;
    final int port;
    private final Path log;
    private final Map<String, String> env;
    private Process process;
    private int starts;

    NodeProcess(String name, Path dir, Map<String, String> env) throws IOException {
        this.name = name;
        this.port = Processes.freePort();
        this.log = dir.resolve(name + ".log");
        this.env = new HashMap<>(env);
        this.env.put("SHOUHU_HTTP_PORT", String.valueOf(port));
        this.env.putIfAbsent("SHOUHU_NODE_ID", name);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The environment of the next start (failpoints are armed per start). */
    void set(String key, String value) {
        if (value == null) {
            env.remove(key);
        } else {
            env.put(key, value);
        }
    }

    /** Starts the JVM and waits until it serves HTTP. */
    NodeProcess start() throws IOException {
        starts++;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", classPath(), "org.shouhu.gateway.Main", "serve"));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SHOUHU_") || k.startsWith("TWILIO_")
                || k.startsWith("REDIS_") || k.startsWith("TELEGRAM_") || k.startsWith("WECHAT_"));
        builder.environment().putAll(env);
        Files.writeString(log, "=== start " + starts + " of " + name + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = builder.start();
        awaitServing(Duration.ofSeconds(60));
        return this;
    }

    private void awaitServing(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String marker = "shouhu serving on port " + port;
        while (System.nanoTime() < deadline) {
            String text = lastStart();
            if (text.contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("node " + name + " exited with " + process.exitValue() + ":\n" + tail(40));
            }
            Processes.pause(50);
        }
        throw new IOException("node " + name + " did not serve within " + timeout.toSeconds() + " s:\n" + tail(40));
    }

    /** What the node printed since its last start. */
    String lastStart() throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int at = text.lastIndexOf("=== start ");
        return at < 0 ? text : text.substring(at);
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Waits up to {@code timeout} for the process to end by itself (a failpoint's halt); true when it did. */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return true;
            }
            Processes.pause(20);
        }
        return false;
    }

    /** Whether the last run halted at this failpoint (its line in the log). */
    boolean haltedAt(String failpoint) throws IOException {
        return lastStart().contains("failpoint " + failpoint + ": halting");
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill9() {
        Processes.kill9(process);
    }

    /** Heap in use after a full GC, in MB, as {@code jcmd GC.heap_info} reports it. */
    long heapUsedMb() throws IOException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Processes.run(List.of(jcmd, String.valueOf(pid()), "GC.run"), 30);
        String info = Processes.run(List.of(jcmd, String.valueOf(pid()), "GC.heap_info"), 30);
        long kb = 0;
        for (String line : info.split("\n")) { // serial GC: a line per generation, then Metaspace (not heap)
            Matcher m = HEAP_USED.matcher(line);
            if (line.contains("generation") && m.find()) {
                kb += Long.parseLong(m.group(1));
            }
        }
        if (kb == 0) {
            throw new IOException("jcmd GC.heap_info said: " + info);
        }
        return kb / 1024;
    }

    /** The test JVM's class path: surefire puts it in a property when it runs tests from a manifest jar. */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    @Override
    public void close() {
        if (process != null) {
            Processes.kill9(process);
        }
    }
}
