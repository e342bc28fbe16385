package org.shouhu.gateway.fault;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Operating-system process chores of the fault suite: free ports, signals, finding processes by command line. */
final class Processes {

    private Processes() {
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL ({@link Process#destroyForcibly()} sends it on Linux), then waits for the process to be gone. */
    static void kill9(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> h).join();
        });
    }

    /** Sends a signal by name (STOP, CONT, KILL) with {@code kill}. */
    static void signal(long pid, String name) throws IOException {
        try {
            int code = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            if (code != 0) {
                throw new IOException("kill -" + name + " " + pid + " exited with " + code);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * The live processes that name {@code dir} on their command line or work in it (redis-server
     * rewrites its command line to {@code redis-server 127.0.0.1:PORT}, but stays in its {@code --dir}).
     */
    static List<Long> using(Path dir) {
        String part = dir.toAbsolutePath().toString();
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                    String cwd = "";
                    try {
                        cwd = Files.readSymbolicLink(p.resolve("cwd")).toString();
                    } catch (IOException | RuntimeException e) {
                        // not ours to read
                    }
                    if (!cmd.isBlank() && (cmd.contains(part) || cwd.startsWith(part))) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        pids.remove(ProcessHandle.current().pid());
        return pids;
    }

    /** Of {@link #using}, the redis-servers. */
    static List<Long> redisServersIn(Path dir) {
        return using(dir).stream().filter(pid -> {
            try {
                return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip().startsWith("redis-server");
            } catch (IOException e) {
                return false;
            }
        }).toList();
    }

    /** Runs a command to its end and returns what it printed. */
    static String run(List<String> command, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                kill9(p);
                throw new IOException(command + " did not end within " + timeoutSeconds + " s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9(p);
            throw new IOException("interrupted", e);
        }
    }
}
