package org.shouhu.gateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kannel 1.4 (Debian's {@code kannel}) as the baseline SMS gateway: a bearerbox with a generic HTTP
 * SMSC (MO comes in as a GET on its port; MT goes out to {@code /sink/mt} of the emulator) and an
 * smsbox whose catch-all sms-service hands each MO to {@code /sink/mo} with no reply, and whose
 * sendsms port takes MT. Logs at error level, no store: Kannel at its fastest.
 */
final class Kannel implements AutoCloseable {

    final int moPort;
    final int sendsmsPort;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    private Kannel(Path dir, int moPort, int sendsmsPort) {
        this.dir = dir;
        this.moPort = moPort;
        this.sendsmsPort = sendsmsPort;
    }

    /** Writes a configuration into {@code dir}, starts bearerbox and smsbox, and waits until both listen. */
    static Kannel start(Path dir, String sinkUrl) throws IOException, InterruptedException {
        int admin = Ports.free(), box = Ports.free(), mo = Ports.free(), sendsms = Ports.free();
        String conf = """
                group = core
                admin-port = %d
                admin-password = bench
                smsbox-port = %d
                log-level = 3
                log-file = "%s/bearerbox.log"
                box-allow-ip = 127.0.0.1

                group = smsc
                smsc = http
                smsc-id = fake
                system-type = generic
                port = %d
                connect-allow-ip = 127.0.0.1
                send-url = "%s/sink/mt?to=%%p&text=%%b"
                status-success-regex = "Accepted"

                group = smsbox
                bearerbox-host = 127.0.0.1
                sendsms-port = %d
                log-level = 3
                log-file = "%s/smsbox.log"

                group = sendsms-user
                username = bench
                password = bench

                group = sms-service
                keyword = default
                catch-all = true
                max-messages = 0
                get-url = "%s/sink/mo?from=%%p&text=%%a"
                """.formatted(admin, box, dir, mo, sinkUrl, sendsms, dir, sinkUrl);
        Path file = dir.resolve("kannel.conf");
        Files.writeString(file, conf);
        Kannel kannel = new Kannel(dir, mo, sendsms);
        try {
            kannel.processes.add(launch(dir, "bearerbox", file));
            Ports.await(box, 15_000);
            Ports.await(mo, 15_000);
            kannel.processes.add(launch(dir, "smsbox", file));
            Ports.await(sendsms, 15_000);
            Thread.sleep(500); // smsbox registers with bearerbox after it opens its port
        } catch (IOException | RuntimeException e) {
            kannel.close();
            throw e;
        }
        return kannel;
    }

    private static Process launch(Path dir, String box, Path conf) throws IOException {
        return new ProcessBuilder(box, conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(box + ".out").toFile()).start();
    }

    /** An MO as the SMSC would deliver it: a GET on the HTTP SMSC's port. */
    String moUrl() {
        return "http://127.0.0.1:" + moPort + "/?from=%2B8613900000001&to=10690000&text=4";
    }

    /** The sendsms URL for one request to {@code recipients} (space separated, already URL-encoded). */
    String sendsmsUrl(String recipients, String text) {
        return "http://127.0.0.1:" + sendsmsPort + "/cgi-bin/sendsms?username=bench&password=bench&from=10690000&to="
                + recipients + "&text=" + text;
    }

    /** The last lines of bearerbox's and smsbox's logs and outputs: why messages did not arrive. */
    String logTail(int lines) {
        StringBuilder tail = new StringBuilder();
        for (String name : List.of("bearerbox.log", "bearerbox.out", "smsbox.log", "smsbox.out")) {
            Path file = dir.resolve(name);
            try {
                List<String> all = Files.exists(file) ? Files.readAllLines(file) : List.of();
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> tail.append("    ").append(name).append(": ").append(l).append('\n'));
            } catch (IOException | java.io.UncheckedIOException e) {
                tail.append("    ").append(name).append(": unreadable (").append(e.getMessage()).append(")\n");
            }
        }
        return tail.toString();
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Processes.stop(processes.get(i));
        }
    }
}
