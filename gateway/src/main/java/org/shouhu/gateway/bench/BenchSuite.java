package org.shouhu.gateway.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.shouhu.gateway.redis.ScratchDirectory;

/**
 * The benchmarks of issue 13 side by side in one run: a bare Netty server and Kannel measured as
 * baselines, then a gateway node (its own JVM, private Redis, the {@link ProviderEmulator} as
 * Twilio) under the same load tool; each part {@code rounds} times, and one table of medians with
 * the ratios against the baselines of the same run and the targets beside them
 * ({@code bench-suite [--quick] [--rounds N] [--only parts]}; docs/performance.md).
 */
public final class BenchSuite {

    private static final int CONNECTIONS = 32;
    private static final String ALERT_MARK = "防溺水演练";
    private static final List<String> PARTS = List.of("hello", "kannel", "gateway", "pacing", "season");

    private final PrintStream out;
    private final boolean quick;
    private final Map<String, List<Double>> figures = new LinkedHashMap<>();
    private final Path dir;

    private BenchSuite(PrintStream out, boolean quick, Path dir) {
        this.out = out;
        this.quick = quick;
        this.dir = dir;
    }

    /** {@code bench-suite [--quick] [--rounds N] [--only hello,kannel,gateway]}: prints progress, then the table. */
    public static int run(String[] args, PrintStream out) throws Exception {
        boolean quick = false;
        int rounds = 3;
        Set<String> only = Set.copyOf(PARTS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--only" -> only = Set.of(value(args, ++i).split(","));
                default -> throw new IllegalArgumentException("bench-suite: unknown option " + args[i]
                        + " (use --quick, --rounds N, --only " + String.join(",", PARTS) + ")");
            }
        }
        if (!PARTS.containsAll(only)) {
            throw new IllegalArgumentException("bench-suite: --only takes " + String.join(",", PARTS));
        }
        if (quick && !Arrays.asList(args).contains("--rounds")) {
            rounds = 1;
        }
        try (ScratchDirectory scratch = ScratchDirectory.create("shouhu-bench-suite")) {
            BenchSuite suite = new BenchSuite(out, quick, scratch.path());
            for (int round = 1; round <= rounds; round++) {
                out.printf("== round %d of %d%n", round, rounds);
                if (only.contains("hello")) {
                    suite.hello();
                }
                if (only.contains("kannel")) {
                    suite.kannel();
                }
                if (only.contains("gateway")) {
                    suite.gateway(round);
                }
                if (only.contains("pacing") && round == 1) {
                    suite.pacing(); // once: it lasts N/rate (5 minutes at 3,000 and 10 msg/s)
                }
                if (only.contains("season") && round == 1) {
                    suite.season(); // once: minutes even for a part of the season
                }
            }
            suite.table(rounds);
        }
        return 0;
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("bench-suite: " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private int seconds() {
        return quick ? 4 : 10;
    }

    private int alertSize() {
        return quick ? 5_000 : 30_000;
    }

    private void figure(String name, double value) {
        figures.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        out.printf("  %s: %.2f%n", name, value);
    }

    /** A bare Netty server in its own JVM: the most any HTTP front on this JVM and machine can answer. */
    private void hello() throws Exception {
        int port = Ports.free();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", GatewayNode.jar(), "bench-hello", "--port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("hello.log").toFile()).start();
        try {
            Ports.await(port, 30_000);
            Wrk.get(dir, "http://127.0.0.1:" + port + "/", CONNECTIONS, 2); // warm-up
            figure("netty.rps", Wrk.get(dir, "http://127.0.0.1:" + port + "/", CONNECTIONS, seconds()).rps());
        } finally {
            Processes.stop(p);
        }
    }

    /** Kannel's MO path (HTTP SMSC → bearerbox → smsbox → get-url) and its fan-out of sendsms to an MT endpoint. */
    private void kannel() throws Exception {
        Path kdir = Files.createTempDirectory(dir, "kannel");
        try (ProviderEmulator sink = new ProviderEmulator(new ProviderEmulator.Limits(0, 0, 0), Clock.systemUTC());
             Kannel kannel = Kannel.start(kdir, sink.url())) {
            Wrk.get(dir, kannel.moUrl(), CONNECTIONS, 2); // warm-up
            settle(() -> sink.sinkCount("mo"));
            sink.clear();
            long start = System.currentTimeMillis();
            Wrk.Result load = Wrk.get(dir, kannel.moUrl(), CONNECTIONS, seconds());
            long delivered = settle(() -> sink.sinkCount("mo"), load.requests());
            double rate = delivered * 1000.0 / Math.max(1, sink.lastSinkMillis() - start);
            out.printf("  kannel MO: %d answered (%.0f/s), %d handed to the get-url%n", load.requests(), load.rps(), delivered);
            figure("kannel.mo", Math.min(rate, load.rps()));

            int n = alertSize();
            sink.clear();
            HttpClient http = HttpClient.newHttpClient();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long t0 = System.currentTimeMillis();
            List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sent.add(pool.submit(() -> {
                    for (int b = next.getAndAdd(100); b < n; b = next.getAndAdd(100)) {
                        StringBuilder to = new StringBuilder();
                        for (int i = b; i < Math.min(n, b + 100); i++) {
                            to.append(to.length() == 0 ? "" : "+").append("%2B").append(GatewayNode.guardian(i).substring(1));
                        }
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(kannel.sendsmsUrl(to.toString(), "alert"))).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() >= 300) {
                            throw new IOException("sendsms answered " + r.statusCode() + ": " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            pool.shutdown();
            long mt = settle(() -> sink.sinkCount("mt"), n);
            out.printf("  kannel fan-out: %d of %d at the MT endpoint%n", mt, n);
            if (mt < n) { // a stall (seen once in three rounds, after the MO load): no rate from part of the fan-out
                out.println("  kannel fan-out stalled: this round's rate is left out of the median; Kannel's logs end:");
                out.print(kannel.logTail(8));
                return;
            }
            figure("kannel.fanout", mt * 1000.0 / Math.max(1, sink.lastSinkMillis() - t0));
        }
    }

    /** Waits until {@code count} has not moved for a second; returns it. */
    private static long settle(java.util.function.LongSupplier count) throws InterruptedException {
        return settle(count, Long.MAX_VALUE);
    }

    /**
     * Waits until {@code count} reaches {@code expected}, or has not moved for a second (five while
     * below an expected figure: a loaded machine stalls a second now and then); returns it.
     */
    private static long settle(java.util.function.LongSupplier count, long expected) throws InterruptedException {
        long quiet = expected == Long.MAX_VALUE ? 1_000 : 5_000;
        long last = count.getAsLong(), lastChange = System.currentTimeMillis();
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (last < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = count.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastChange >= quiet) {
                break;
            }
        }
        return last;
    }

    /**
     * A gateway node: signed webhooks closed- and open-loop, check-ins idle, a county alert with
     * check-ins during its drain. The node first plays the same part once unrecorded (after 12 s
     * of webhooks): a node in the field has run for hours, and on 2 cores a JVM's compiler still
     * took a third of the CPU in a window measured after a 3-second warm-up.
     */
    private void gateway(int round) throws Exception {
        Path gdir = Files.createTempDirectory(dir, "gateway");
        try (ProviderEmulator provider = new ProviderEmulator(new ProviderEmulator.Limits(0, 0, 0), Clock.systemUTC());
             GatewayNode node = GatewayNode.start(gdir, alertSize(), provider.url(), Map.of())) {
            int guardians = node.sites * GatewayNode.PER_SITE;
            Path warm = signedFile(node, gdir, "w" + round, 60_000, guardians);
            Wrk.replay(dir, node.baseUrl(), "/twilio/sms", warm, CONNECTIONS, 12);
            settle(provider::accepted);
            provider.clear();
            gatewayPart(node, provider, gdir, "x" + round, 1, false);
            gatewayPart(node, provider, gdir, "r" + round, 0, true);
        }
    }

    /**
     * One pass of {@link #gateway}'s measurements; {@code pass} keeps each pass's check-ins to
     * children not yet checked in; with {@code record} false nothing is kept (the warm-up pass).
     */
    private void gatewayPart(GatewayNode node, ProviderEmulator provider, Path gdir, String tag, int pass, boolean record)
            throws Exception {
        int guardians = node.sites * GatewayNode.PER_SITE;
        String prefix = record ? "" : "(warm-up) ";
        int lines = quick ? 40_000 : 150_000;
        Path load = signedFile(node, gdir, tag, lines, guardians);
        Wrk.Result w = Wrk.replay(dir, node.baseUrl(), "/twilio/sms", load, CONNECTIONS, seconds());
        long replies = settle(provider::accepted, w.requests());
        out.printf("  %swebhooks: %d answered, %d not 200, %d replies at the provider%s%n", prefix, w.requests(), w.non2xx(), replies,
                w.requests() > lines ? " (MessageSids wrapped: repeats were answered as repeats)" : "");

        List<OpenLoop.Post> open = new ArrayList<>();
        for (int i = 0; i < seconds() * 1000; i++) {
            String[] signed = node.signedSms(GatewayNode.guardian(i % guardians), "4", String.format("SMo%s%026d", tag, i));
            open.add(new OpenLoop.Post(signed[0], "X-Twilio-Signature", signed[1]));
        }
        OpenLoop.Result o = OpenLoop.run(node.port, "/twilio/sms", open, 1000, CONNECTIONS);
        out.printf("  %sopen loop 1,000/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d failed%n", prefix, o.p50Ms(), o.p99Ms(), o.maxMs(),
                o.failed());
        settle(provider::accepted);
        provider.clear();

        int checkIns = quick ? 30 : 300; // a p99 of 100 samples is their second worst
        int during = quick ? 20 : 50;
        int first = pass * (checkIns + during);
        double idle = checkIns(node, provider, first, checkIns);

        provider.clear();
        String mark = record ? ALERT_MARK : "防溺水提醒";
        String json = "{\"scope\":\"county:" + GatewayNode.COUNTY + "\",\"kind\":\"drowning\",\"text\":\"" + mark
                + "：今天下午有雷雨，请看管好孩子，不要下河\"}";
        long t0 = System.currentTimeMillis();
        long n0 = System.nanoTime();
        HttpResponse<String> posted = node.admin("POST", "/api/alerts", json);
        double answerMs = (System.nanoTime() - n0) / 1e6;
        if (posted.statusCode() != 201 && posted.statusCode() != 200) {
            throw new IOException("POST /api/alerts answered " + posted.statusCode() + ": " + posted.body());
        }
        double draining = checkIns(node, provider, first + checkIns, during);
        long alerted = settle(() -> countAccepted(provider, mark), guardians);
        long last = provider.arrivals().stream().filter(a -> a.body() != null && a.body().contains(mark))
                .mapToLong(ProviderEmulator.Arrival::atMillis).max().orElse(t0);
        out.printf("  %scounty alert: %d of %d guardians at the provider, POST answered in %.0f ms%n", prefix, alerted, guardians,
                answerMs);
        settle(provider::accepted);
        provider.clear();
        if (record) {
            figure("webhook.rps", w.rps());
            figure("webhook.p50", w.p50Ms());
            figure("webhook.p99", w.p99Ms());
            figure("openloop.p99", o.p99Ms());
            figure("openloop.failed", o.failed());
            figure("checkin.idle.p99", idle);
            figure("alert.post.ms", answerMs);
            figure("alert.rate", alerted * 1000.0 / Math.max(1, last - t0));
            figure("checkin.drain.p99", draining);
        }
    }

    private int broadcastSize() {
        return quick ? 300 : 3_000;
    }

    /**
     * Safety under pacing: the emulator allows 10 msg/s per sender, 429 above, 80 ms latency; a
     * county alert to {@link #broadcastSize()} guardians starts, and 20 s (quick: 10 s) into it a
     * site's no-show check falls due for {@link GatewayNode#NO_SHOW_CHILDREN} children nobody
     * checked in (the safety sweep runs every second). "Raised" is the check's due time; the
     * figures are each no-show SMS's due → provider time, the 429s, the most messages accepted in
     * any one second, and the broadcast's duration against N/rate. A third through the broadcast
     * the node is killed with SIGKILL and started again on the same Redis: the guardians who never
     * got the alert and the alert SMS accepted twice are counted.
     */
    private void pacing() throws Exception {
        double mps = 10;
        int n = broadcastSize();
        Path pdir = Files.createTempDirectory(dir, "pacing");
        java.time.ZoneId zone = java.time.ZoneId.of("Asia/Shanghai");
        int lead = quick ? 10 : 20;
        java.time.LocalTime opens = java.time.LocalTime.now(zone).plusSeconds(60).withNano(0);
        if (opens.isAfter(java.time.LocalTime.of(23, 50)) || opens.isBefore(java.time.LocalTime.of(0, 5))) {
            out.println("  pacing: skipped near midnight (Asia/Shanghai): the no-show site's day would wrap");
            return;
        }
        long dueMillis = java.time.ZonedDateTime.of(java.time.LocalDate.now(zone), opens, zone).toInstant().toEpochMilli();
        try (ProviderEmulator provider = new ProviderEmulator(new ProviderEmulator.Limits(mps, 80, 0), Clock.systemUTC());
             GatewayNode node = GatewayNode.start(pdir, n, opens, provider.url(),
                     // 2 % under the emulator's strict window: slots 100 ms apart arrive 100 ± jitter ms apart
                     Map.of("SHOUHU_SWEEP_SECONDS", "1", "TWILIO_MPS", String.valueOf(mps * 0.98)))) {
            HttpResponse<String> schedule = node.admin("PUT", "/api/sites/" + GatewayNode.NO_SHOW_SITE + "/schedule",
                    "{\"days\":\"1234567\",\"noShowMinutes\":\"0\"}");
            if (schedule.statusCode() != 200) {
                throw new IOException("PUT schedule answered " + schedule.statusCode() + ": " + schedule.body());
            }
            long startAt = dueMillis - lead * 1000L;
            long wait = startAt - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            provider.clear();
            String json = "{\"scope\":\"county:" + GatewayNode.COUNTY + "\",\"kind\":\"drowning\",\"text\":\"" + ALERT_MARK
                    + "：今天下午有雷雨，请看管好孩子，不要下河\"}";
            long t0 = System.currentTimeMillis();
            HttpResponse<String> posted = node.admin("POST", "/api/alerts", json);
            if (posted.statusCode() != 201 && posted.statusCode() != 200) {
                throw new IOException("POST /api/alerts answered " + posted.statusCode() + ": " + posted.body());
            }
            // until every alert SMS is accepted, or nothing has been accepted for 30 s past N/rate, or 3 × N/rate:
            // a guardian counted as never reached is one the broadcast left out, not one it had not come to yet
            long ideal = (long) (n / mps * 1000);
            long lastCount = -1, lastChange = System.currentTimeMillis();
            long atKill = -1;
            long killedAt = -1;
            while (true) {
                long count = countAccepted(provider, ALERT_MARK);
                long now = System.currentTimeMillis();
                if (atKill < 0 && count >= n / 3) { // a third through the broadcast: kill -9 and start it again
                    node.kill9();
                    killedAt = System.currentTimeMillis();
                    atKill = count;
                    long k0 = System.nanoTime();
                    node.restart();
                    out.printf("  pacing: node killed (-9) at %d of %d alert SMS accepted, serving again after %.1f s%n", count, n,
                            (System.nanoTime() - k0) / 1e9);
                }
                if (count != lastCount) {
                    lastCount = count;
                    lastChange = now;
                }
                List<ProviderEmulator.Arrival> sofar = provider.arrivals();
                boolean noShowsIn = java.util.stream.IntStream.range(0, GatewayNode.NO_SHOW_CHILDREN)
                        .allMatch(c -> firstAccepted(sofar, GatewayNode.noShowGuardian(c), dueMillis) >= 0);
                if ((count >= n && noShowsIn) || (now - t0 > ideal && now - lastChange > 30_000) || now - t0 > ideal * 3 + 60_000) {
                    break;
                }
                Thread.sleep(500);
            }
            List<ProviderEmulator.Arrival> arrivals = provider.arrivals();
            long worst = 0;
            long first = Long.MAX_VALUE;
            int missing = 0;
            for (int c = 0; c < GatewayNode.NO_SHOW_CHILDREN; c++) {
                long at = firstAccepted(arrivals, GatewayNode.noShowGuardian(c), dueMillis);
                if (at < 0) {
                    missing++;
                } else {
                    worst = Math.max(worst, at - dueMillis);
                    first = Math.min(first, at - dueMillis);
                }
            }
            // the lanes' promise: while no-show SMS wait, the alert takes no slot but what was in flight
            long from = dueMillis + first, to = dueMillis + worst;
            long alertBetween = arrivals.stream().filter(a -> a.status() == 201 && a.body() != null && a.body().contains(ALERT_MARK)
                    && a.atMillis() > from && a.atMillis() < to).count();
            long lastAlert = arrivals.stream().filter(a -> a.status() == 201 && a.body() != null && a.body().contains(ALERT_MARK))
                    .mapToLong(ProviderEmulator.Arrival::atMillis).max().orElse(t0);
            Map<String, Long> perGuardian = new java.util.HashMap<>();
            arrivals.stream().filter(a -> a.status() == 201 && a.body() != null && a.body().contains(ALERT_MARK))
                    .forEach(a -> perGuardian.merge(a.to(), 1L, Long::sum));
            long duplicates = perGuardian.values().stream().mapToLong(v -> v - 1).sum();
            long unique = perGuardian.size();
            out.printf("  pacing: %d of %d alert SMS accepted (%d guardians, %d duplicates), %d of %d no-show SMS, %d answers of 429%n",
                    unique + duplicates, n, unique, duplicates, GatewayNode.NO_SHOW_CHILDREN - missing, GatewayNode.NO_SHOW_CHILDREN,
                    provider.throttled());
            // where each 429 fell: its time in the broadcast and how the sender's last ten accepted calls were spaced
            for (ProviderEmulator.Arrival refused : arrivals.stream().filter(a -> a.status() == 429).toList()) {
                List<Long> before = arrivals.stream().filter(a -> a.status() == 201 && refused.from().equals(a.from())
                        && a.atMillis() <= refused.atMillis() && a.atMillis() > refused.atMillis() - 1000)
                        .map(a -> refused.atMillis() - a.atMillis()).sorted().toList();
                out.printf("  pacing: a 429 at +%.3f s%s; the sender's calls accepted in the second before it, ms before: %s%n",
                        (refused.atMillis() - t0) / 1000.0, killedAt < 0 ? "" : String.format(" (the kill at +%.3f s)",
                                (killedAt - t0) / 1000.0), before);
            }
            figure("pacing.kill.guardians.missing", n - unique);
            figure("pacing.kill.duplicates", duplicates);
            figure("pacing.noshow.max.ms", missing > 0 ? Double.POSITIVE_INFINITY : worst);
            figure("pacing.noshow.first.ms", missing == GatewayNode.NO_SHOW_CHILDREN ? Double.POSITIVE_INFINITY : first);
            figure("pacing.noshow.bulk.between", alertBetween);
            figure("pacing.noshow.missing", missing);
            figure("pacing.429", provider.throttled());
            figure("pacing.max1s", provider.maxPerSecond());
            figure("pacing.accepted", unique);
            // the kill leaves the sender idle from its death until the restarted node (or, for what the dead one had
            // read, its liveness running out) sends again: the longest gap between two accepted messages
            long[] times = arrivals.stream().filter(a -> a.status() == 201).mapToLong(ProviderEmulator.Arrival::atMillis)
                    .sorted().toArray();
            long gap = 0;
            for (int i = 1; i < times.length; i++) {
                gap = Math.max(gap, times[i] - times[i - 1]);
            }
            figure("pacing.duration.s", (lastAlert - t0) / 1000.0);
            figure("pacing.kill.gap.s", gap / 1000.0);
            // the sender's slots in the broadcast's time: the alert's and the 50 no-show SMS
            figure("pacing.ideal.s", (n + GatewayNode.NO_SHOW_CHILDREN) / mps);
        }
    }

    private int seasonDays() {
        return quick ? 1 : 2;
    }

    /**
     * The season simulation ({@code simulate --days D}, its own JVM at 256 MB) against the floor
     * {@code bench-store} measures for as many messages: Redis's main-thread CPU per message for the
     * least any outbox layout can do, times the messages the simulation sent.
     */
    private void season() throws Exception {
        String sim = jarOutput("season.log", "-Xmx256m", "simulate", "--days", String.valueOf(seasonDays()));
        long sent = Long.parseLong(find(sim, "\\| messages sent \\| (\\d+) \\|"));
        double wall = Double.parseDouble(find(sim, "\\| wall time \\(seeding\\) \\| ([0-9.]+) s"));
        double seeding = Double.parseDouble(find(sim, "\\| wall time \\(seeding\\) \\| [0-9.]+ s \\(([0-9.]+) s\\)"));
        double heap = Double.parseDouble(find(sim, "most in use[^|]*\\| \\d+ MB, (\\d+) MB"));
        String store = jarOutput("store.log", "-Xmx512m", "bench-store", String.valueOf(sent), "1");
        double perMessage = Double.parseDouble(find(store, "\\| 1 \\| least \\| ([0-9.]+) \\|"));
        out.printf("  season: %d days, %d messages in %.1f s (%.1f s seeding), heap %.0f MB; floor %.1f µs/msg%n",
                seasonDays(), sent, wall, seeding, heap, perMessage);
        figure("season.wall.s", wall - seeding);
        figure("season.floor.s", perMessage * sent / 1e6);
        figure("season.heap.mb", heap);
        figure("season.messages", sent);
    }

    /** Runs {@code shouhu.jar} with a JVM option and arguments in its own JVM; returns what it printed. */
    private String jarOutput(String log, String jvm, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), jvm,
                "-jar", GatewayNode.jar()));
        cmd.addAll(List.of(args));
        Path file = dir.resolve(log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(file.toFile()).start();
        int code = p.waitFor();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IOException(String.join(" ", args) + " exited with " + code + ": " + text);
        }
        return text;
    }

    private static String find(String text, String regex) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IOException("no /" + regex + "/ in: " + text);
        }
        return m.group(1);
    }

    /** Recipients who have had a message containing {@code mark} accepted (a duplicate counts once: the wait is for everyone). */
    private static long countAccepted(ProviderEmulator provider, String mark) {
        return provider.arrivals().stream().filter(a -> a.status() == 201 && a.body() != null && a.body().contains(mark))
                .map(ProviderEmulator.Arrival::to).distinct().count();
    }

    /** When the first message to {@code to} at or after {@code since} was accepted, or -1. */
    private static long firstAccepted(List<ProviderEmulator.Arrival> arrivals, String to, long since) {
        return arrivals.stream().filter(a -> a.status() == 201 && a.atMillis() >= since && to.equals(a.to()))
                .mapToLong(ProviderEmulator.Arrival::atMillis).min().orElse(-1);
    }

    /**
     * Captains check children in, one at a time ("到 k"), each a different child; returns the p99 of
     * webhook sent → arrival SMS at the provider in ms (a missing SMS counts as 10 s).
     */
    private double checkIns(GatewayNode node, ProviderEmulator provider, int first, int n) throws Exception {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            int c = first + i;
            int site = c % node.sites;
            int roster = 1 + c / node.sites;
            String guardian = GatewayNode.guardian(site * GatewayNode.PER_SITE + roster - 1);
            long t0 = System.currentTimeMillis();
            int status = node.sms(GatewayNode.captain(site), "到 " + roster, "SMc" + System.nanoTime());
            long at = status == 200 ? provider.awaitTo(guardian, t0, 10_000) : -1;
            ms[i] = at < 0 ? 10_000 : at - t0;
        }
        Arrays.sort(ms);
        out.printf("  check-ins: p50 %d ms, p99 %d ms, max %d ms%n", ms[n / 2], ms[Math.min(n - 1, n * 99 / 100)], ms[n - 1]);
        return ms[Math.min(n - 1, n * 99 / 100)];
    }

    /** {@code lines} signed "4" webhooks with MessageSids unique to {@code tag}, as {@code body<TAB>signature} lines. */
    private static Path signedFile(GatewayNode node, Path dir, String tag, int lines, int guardians) throws IOException {
        Path file = dir.resolve("webhooks-" + tag + ".txt");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                String[] signed = node.signedSms(GatewayNode.guardian(i % guardians), "4", String.format("SM%s%030d", tag, i));
                w.write(signed[0]);
                w.write('\t');
                w.write(signed[1]);
                w.newLine();
            }
        }
        return file;
    }

    private double median(String name) {
        List<Double> v = figures.get(name);
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private void table(int rounds) {
        out.printf("%n| row | Shouhu (median of %d) | baseline, same run | ratio | target |%n", rounds);
        out.println("|---|---|---|---|---|");
        double rps = median("webhook.rps"), mo = median("kannel.mo"), netty = median("netty.rps");
        row("inbound webhook, unique signed MessageSids, wrk -t1 -c32 (req/s)", fmt(rps, "%.0f"),
                "Kannel MO " + fmt(mo, "%.0f") + " msg/s; bare Netty " + fmt(netty, "%.0f") + " req/s",
                fmt(rps / mo, "%.2f×") + " Kannel; " + fmt(rps / netty, "%.3f×") + " Netty", "≥ 1.0× Kannel MO");
        row("inbound webhook latency under that load (wrk p50 / p99, ms)", fmt(median("webhook.p50"), "%.1f") + " / "
                + fmt(median("webhook.p99"), "%.1f"), "", "", "");
        row("inbound webhook p99 at 1,000 req/s open loop (ms, HdrHistogram; answers not 200)", fmt(median("openloop.p99"), "%.1f")
                + "; " + fmt(median("openloop.failed"), "%.0f") + " of " + seconds() * 1000, "", "", "≤ 10 ms; 0");
        double rate = median("alert.rate"), fan = median("kannel.fanout");
        row(alertSize() + "-guardian county alert: POST /api/alerts answered (ms)", fmt(median("alert.post.ms"), "%.0f"), "", "", "≤ 100 ms");
        row(alertSize() + "-guardian county alert, unthrottled provider: handed over (msg/s)", fmt(rate, "%.0f"),
                "Kannel fan-out " + fmt(fan, "%.0f") + " msg/s", fmt(rate / fan, "%.2f×"), "≥ 1.0× Kannel");
        row("check-in → arrival SMS at the provider, idle (p99 ms)", fmt(median("checkin.idle.p99"), "%.0f"), "", "", "≤ 20 ms");
        row("check-in → arrival SMS while the alert drains (p99 ms)", fmt(median("checkin.drain.p99"), "%.0f"), "", "", "≤ 100 ms");
        pacingRows();
        double wall = median("season.wall.s"), floor = median("season.floor.s");
        row("season simulation, " + seasonDays() + " of 30 days (" + fmt(median("season.messages"), "%.0f")
                + " messages): wall time without seeding (s)", fmt(wall, "%.1f"), "bench-store floor " + fmt(floor, "%.1f") + " s",
                fmt(wall / floor, "%.2f×"), "≤ 1.5× floor");
        row("… heap, most in use (MB, -Xmx256m)", fmt(median("season.heap.mb"), "%.0f"), "", "", "≤ 256 MB");
    }

    private void pacingRows() {
        if (!figures.containsKey("pacing.429")) {
            return;
        }
        double missing = median("pacing.noshow.missing");
        int n = GatewayNode.NO_SHOW_CHILDREN;
        row("safety under pacing (provider: 10 msg/s per sender, 429 above, 80 ms; node: 9.8 msg/s): no-show due → provider, first / last of "
                + n + " (ms)", missing > 0 ? fmt(missing, "%.0f") + " never arrived"
                : fmt(median("pacing.noshow.first.ms"), "%.0f") + " / " + fmt(median("pacing.noshow.max.ms"), "%.0f"), "", "",
                "≤ 1,500 (a 1-s sweep, one slot) / ≤ 1,500 + " + n + " slots (" + String.format("%,d", 1500 + n * 1000 * 100 / 980) + ")");
        row("… alert SMS accepted between the first and the last no-show SMS", fmt(median("pacing.noshow.bulk.between"), "%.0f"), "", "",
                "≤ 4 (a slot already reserved by each of the 4 SMS threads)");
        row("… answers of 429", fmt(median("pacing.429"), "%.0f"), "", "", "0");
        row("… most messages accepted in any 1-s window", fmt(median("pacing.max1s"), "%.0f"), "", "", "≤ 10.5");
        row("… node killed (-9) a third through the broadcast and restarted: guardians without the alert; duplicates",
                fmt(median("pacing.kill.guardians.missing"), "%.0f") + "; " + fmt(median("pacing.kill.duplicates"), "%.0f"), "", "",
                "0; ≤ what was in flight");
        double busy = median("pacing.duration.s") - median("pacing.kill.gap.s");
        row("… " + broadcastSize() + "-guardian broadcast: guardians reached; duration less the kill's gap (s)",
                fmt(median("pacing.accepted"), "%.0f") + "; " + fmt(median("pacing.duration.s"), "%.1f") + " − "
                        + fmt(median("pacing.kill.gap.s"), "%.1f") + " = " + fmt(busy, "%.1f"),
                "(N + " + GatewayNode.NO_SHOW_CHILDREN + " no-show SMS)/rate " + fmt(median("pacing.ideal.s"), "%.0f") + " s",
                fmt(busy / median("pacing.ideal.s"), "%.2f×"), "1.00× ± 5 %, all accepted");
    }

    private void row(String what, String shouhu, String baseline, String ratio, String target) {
        if (shouhu.startsWith("–") && !baseline.matches(".*\\d.*")) {
            return; // a part not run
        }
        out.printf("| %s | %s | %s | %s | %s |%n", what, shouhu, baseline, ratio, target);
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(format, v);
    }
}
