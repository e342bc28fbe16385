package org.shouhu.gateway.simulate;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.redis.ScratchDirectory;
import org.shouhu.gateway.redis.ServerInfo;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;

/**
 * A whole city season through a real gateway node — Camel routes, Redis store, safety loop, outbox —
 * on a simulated clock that moves minute by minute through each site day, with an in-process
 * provider. Random but seeded: absences reported, no-shows, late pick-ups, alerts answered late.
 * Prints what a coordinator would ask: were all child-days closed, were no-shows alerted on time,
 * was anyone alerted wrongly or twice, and what it cost.
 */
public final class SeasonSimulation {

    static final String[] COUNTIES = {"昭阳区", "鲁甸县", "巧家县", "盐津县", "大关县", "永善县", "绥江县", "镇雄县",
        "彝良县", "威信县", "水富市"};
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final LocalDate FIRST_DAY = LocalDate.of(2026, 7, 6);
    /**
     * Messages arriving in the same minute are handled this many at once, as a node's HTTP threads
     * would: while one waits for Redis, another works, so the JVM's and Redis's cores both do.
     */
    private static final int THREADS = 4;
    /** Threads draining the outbox at once, as a node's outbox threads would. */
    private static final int DRAIN_LANES = 2;

    private final int siteCount;
    private final int childCount;
    private final int days;
    private final long seed;
    private final PrintStream out;

    private final List<Site> sites = new ArrayList<>();
    private final Map<String, List<Child>> rosters = new HashMap<>();
    private final Map<String, Address> firstGuardian = new HashMap<>();
    private final Map<Address, Child> childOfFirstGuardian = new HashMap<>();
    private final Map<String, Phone> captains = new HashMap<>();

    private SettableClock clock;
    private Gateway gateway;
    private InProcessProvider provider;
    private final AtomicLong inboundSeq = new AtomicLong();
    private final TreeMap<Integer, List<Runnable>> agenda = new TreeMap<>();
    /** The threads a minute's inbound messages and drain lanes run on. */
    private ExecutorService threads;
    /** The outbox drained on {@link #DRAIN_LANES} threads at once, each its own consumer. */
    private final List<Runnable> lanes = new ArrayList<>();

    private long childDays;
    private long closed;
    private long noShows;
    private long noShowsOnTime;
    private long absentAlerted;
    private final AtomicLong inbound = new AtomicLong();
    private long mostHeapUsed;
    /** Wall time of the minute's phases: inbound messages, the safety sweep, draining the outbox (ns). */
    private long inboundNanos;
    private long sweepNanos;
    private long drainNanos;

    private SeasonSimulation(int siteCount, int childCount, int days, long seed, PrintStream out) {
        this.siteCount = siteCount;
        this.childCount = childCount;
        this.days = days;
        this.seed = seed;
        this.out = out;
    }

    /** {@code simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]}. */
    /** The options {@code simulate} takes, with their defaults. */
    static final String USAGE = "simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]";

    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, Integer> opts = options(args);
        new SeasonSimulation(opts.get("--sites"), opts.get("--children"), opts.get("--days"), opts.get("--seed"), out).play();
        return 0;
    }

    /** The options with their defaults; anything else (an unknown word, a missing or bad number) is refused before a minute is played. */
    static Map<String, Integer> options(String[] args) {
        Map<String, Integer> opts = new HashMap<>(Map.of("--sites", 997, "--children", 16069, "--days", 30, "--seed", 42));
        for (int i = 0; i < args.length; i += 2) {
            if (!opts.containsKey(args[i])) {
                throw new IllegalArgumentException("simulate: unknown option " + args[i] + "; use " + USAGE);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("simulate: " + args[i] + " needs a number; use " + USAGE);
            }
            int value;
            try {
                value = Integer.parseInt(args[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("simulate: " + args[i] + " takes a whole number, not " + args[i + 1]);
            }
            if (value < (args[i].equals("--seed") ? Integer.MIN_VALUE : 1)) {
                throw new IllegalArgumentException("simulate: " + args[i] + " must be at least 1, not " + value);
            }
            opts.put(args[i], value);
        }
        return opts;
    }

    private void play() throws Exception {
        long start = System.nanoTime();
        clock = new SettableClock(FIRST_DAY.atTime(6, 0).atZone(ZONE).toInstant());
        Map<String, String> env = new HashMap<>();
        env.put("SHOUHU_HTTP_PORT", "0");
        ScratchDirectory redisDir = ScratchDirectory.create("shouhu-season-redis");
        env.put("SHOUHU_REDIS_DIR", redisDir.path().toString());
        env.put("SHOUHU_OUTBOX_WORKERS", "0");
        env.put("SHOUHU_SWEEP_SECONDS", "0");
        env.put("SHOUHU_HTTP_WORKERS", "2");
        env.put("SHOUHU_REPLY_CAP_PER_HOUR", "1000");
        env.put("SHOUHU_NODE_ID", "season");
        env.put("TWILIO_ACCOUNT_SID", "ACseason000000000000000000000000");
        env.put("TWILIO_AUTH_TOKEN", "unused");
        env.put("TWILIO_FROM", "+8610690000");
        env.put("TWILIO_MPS", "unpaced"); // the in-process provider takes everything at once
        env.put("TWILIO_API_URL", "http://127.0.0.1:9");
        provider = new InProcessProvider(clock);
        try (redisDir; Gateway g = Gateway.start(Config.fromEnv(env), clock, List.of(provider))) {
            gateway = g;
            threads = Executors.newFixedThreadPool(THREADS);
            try {
                for (int i = 0; i < DRAIN_LANES; i++) {
                    int lane = i;
                    lanes.add(() -> g.drainOutbox(lane));
                }
                seedCity(g.care());
                long seeded = System.nanoTime();
                for (int d = 0; d < days; d++) {
                    long dayStart = System.nanoTime();
                    long sentBefore = provider.total();
                    playDay(FIRST_DAY.plusDays(d), new Random(seed * 1_000 + d));
                    out.printf("day %d (%s): %d messages in %.1f s%n", d + 1, FIRST_DAY.plusDays(d),
                            provider.total() - sentBefore, (System.nanoTime() - dayStart) / 1e9);
                }
                report(start, seeded);
            } finally { // the threads stop before the gateway and its Redis do
                threads.shutdownNow();
                threads.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    private void seedCity(CareStore care) {
        Random random = new Random(seed);
        double[] weights = new double[siteCount];
        double total = 0;
        for (int i = 0; i < siteCount; i++) {
            weights[i] = i < Math.max(1, siteCount / 200) ? 40 + random.nextInt(20) : 0.5 + random.nextDouble() * 1.5;
            total += weights[i];
        }
        List<StaffMember> staff = new ArrayList<>();
        List<CareStore.NewChild> children = new ArrayList<>();
        int assigned = 0;
        for (int i = 0; i < siteCount; i++) {
            String county = COUNTIES[i % COUNTIES.length];
            String code = String.format("ZT%04d", i + 1);
            LocalTime opens = random.nextBoolean() ? LocalTime.of(8, 0) : LocalTime.of(8, 30);
            LocalTime closes = random.nextBoolean() ? LocalTime.of(17, 0) : LocalTime.of(17, 30);
            Site site = new Site(code, county.substring(0, 2) + "第" + (i + 1) + "托管点", county, opens, closes);
            sites.add(site);
            Phone captain = new Phone(String.format("+86138%08d", i + 1));
            captains.put(code, captain);
            staff.add(new StaffMember(captain, code, "队长" + (i + 1), StaffRole.CAPTAIN));
            int n = i == siteCount - 1 ? childCount - assigned : (int) Math.round(childCount * weights[i] / total);
            n = Math.max(0, Math.min(n, childCount - assigned));
            for (int c = 0; c < n; c++) {
                int k = assigned + c;
                List<Guardian> guardians = new ArrayList<>();
                guardians.add(new Guardian(new Address(String.format("+86139%08d", k)), "奶奶"));
                if (random.nextInt(100) < 40) {
                    guardians.add(new Guardian(new Address(String.format("+86137%08d", k)), "爸爸"));
                }
                children.add(new CareStore.NewChild(code, "孩子" + k, guardians));
            }
            assigned += n;
        }
        List<Child> created = care.importAll(sites, staff, children);
        for (Site site : sites) {
            rosters.put(site.code(), new ArrayList<>());
            gateway.safetyStore().putSchedule(site.code(), new SiteSchedule(EnumSet.allOf(DayOfWeek.class),
                    FIRST_DAY, FIRST_DAY.plusDays(days - 1), Set.of(), 30, 30));
        }
        for (int i = 0; i < created.size(); i++) {
            Child child = created.get(i);
            rosters.get(child.siteCode()).add(child); // created in roster-number order
            Address first = children.get(i).guardians().get(0).address();
            firstGuardian.put(child.id(), first);
            childOfFirstGuardian.put(first, child);
        }
        for (int i = 0; i < COUNTIES.length; i++) {
            gateway.safetyStore().putCoordinator(new Coordinator(COUNTIES[i], new Phone(String.format("+86135%08d", i)), "主任"));
        }
        out.printf("seeded %d sites, %d children%n", sites.size(), rosters.values().stream().mapToInt(List::size).sum());
    }

    private enum Fate { NORMAL, ABSENT, NO_SHOW, LATE }

    private void playDay(LocalDate date, Random random) {
        agenda.clear();
        Map<String, Fate> fates = new HashMap<>();
        for (Site site : sites) {
            List<Integer> arriving = new ArrayList<>();
            List<Integer> normal = new ArrayList<>();
            List<Integer> late = new ArrayList<>();
            for (Child child : rosters.get(site.code())) {
                int roll = random.nextInt(100);
                Fate fate = roll < 5 ? Fate.ABSENT : roll < 7 ? Fate.NO_SHOW : roll < 10 ? Fate.LATE : Fate.NORMAL;
                fates.put(child.id(), fate);
                switch (fate) {
                    case ABSENT -> at(minute(LocalTime.of(7, 30)), () -> text(firstGuardian.get(child.id()), "2"));
                    case NORMAL -> {
                        arriving.add(child.rosterNo());
                        normal.add(child.rosterNo());
                    }
                    case LATE -> {
                        arriving.add(child.rosterNo());
                        late.add(child.rosterNo());
                    }
                    case NO_SHOW -> { }
                }
            }
            Address captain = Address.of(captains.get(site.code()));
            batches(arriving, "到 ", "", minute(site.opens().plusMinutes(5)), captain);
            batches(normal, "走 ", "", minute(site.closes().minusMinutes(20)), captain);
            batches(late, "走 ", " 奶奶", minute(site.closes().plusMinutes(25)), captain);
        }
        for (int m = minute(LocalTime.of(7, 0)); m <= minute(LocalTime.of(18, 30)); m++) {
            clock.set(date.atStartOfDay(ZONE).plusMinutes(m).toInstant());
            List<Runnable> now = agenda.remove(m);
            long t0 = System.nanoTime();
            if (now != null) {
                inParallel(now);
            }
            long t1 = System.nanoTime();
            gateway.runSafety();
            long t2 = System.nanoTime();
            inParallel(lanes);
            long t3 = System.nanoTime();
            inboundNanos += t1 - t0;
            sweepNanos += t2 - t1;
            drainNanos += t3 - t2;
            sampleHeap();
            answer(provider.takeAlerts(), m, random);
        }
        provider.endDay();
        tally(date, fates);
    }

    /** Staff send roster numbers 20 to a message. */
    private void batches(List<Integer> numbers, String verb, String suffix, int minute, Address staff) {
        for (int i = 0; i < numbers.size(); i += 20) {
            StringBuilder body = new StringBuilder(verb);
            numbers.subList(i, Math.min(numbers.size(), i + 20)).forEach(n -> body.append(n).append(' '));
            String text = body.toString().strip() + suffix;
            at(minute, () -> text(staff, text));
        }
    }

    /** Guardians answer: no-show and overdue alerts 70% after 5 min, 30% late (after 20 min, past the captain step); drowning alerts 10%. */
    private void answer(List<InProcessProvider.Received> alerts, int minute, Random random) {
        for (InProcessProvider.Received alert : alerts) {
            if (alert.template().startsWith("DROWNING_ALERT")) { // the last day's says the season is over
                if (random.nextInt(100) < 10) {
                    at(minute + 10, () -> text(alert.to(), "1"));
                }
            } else if (childOfFirstGuardian.containsKey(alert.to())) {
                at(minute + (random.nextInt(100) < 30 ? 20 : 5), () -> text(alert.to(), "1"));
            }
        }
    }

    /**
     * Runs a minute's actions at once on the simulation's threads, as a node's HTTP threads take
     * webhooks and its outbox threads send, and waits for them all.
     */
    private void inParallel(List<Runnable> actions) {
        if (actions.size() == 1) {
            actions.get(0).run();
            return;
        }
        List<Future<?>> running = new ArrayList<>(actions.size());
        for (Runnable action : actions) {
            running.add(threads.submit(action));
        }
        for (Future<?> action : running) {
            try {
                action.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a simulated action failed", e.getCause());
            }
        }
    }

    private void at(int minute, Runnable action) {
        agenda.computeIfAbsent(minute, k -> new ArrayList<>()).add(action);
    }

    private void text(Address from, String body) {
        inbound.incrementAndGet();
        gateway.inbound().accept(new InboundMessage("sim", "sim" + inboundSeq.incrementAndGet(), from, body, clock.instant()));
    }

    private static int minute(LocalTime time) {
        return time.getHour() * 60 + time.getMinute();
    }

    private void tally(LocalDate date, Map<String, Fate> fates) {
        for (Site site : sites) {
            Map<String, DayRecord> records = gateway.care().day(site.code(), date);
            Instant deadline = date.atTime(site.opens().plusMinutes(30)).atZone(ZONE).toInstant();
            for (Child child : rosters.get(site.code())) {
                childDays++;
                DayRecord r = records.get(child.id());
                ChildState state = r == null ? ChildState.EXPECTED : r.state();
                Fate fate = fates.get(child.id());
                boolean closedByStaff = state == ChildState.LEFT || state == ChildState.ABSENT;
                // only children reported absent, no-shows and those not closed by staff can have a no-show ladder that matters here
                Optional<Ladder> noShow = closedByStaff && fate != Fate.ABSENT && fate != Fate.NO_SHOW ? Optional.empty()
                        : gateway.safetyStore().ladder(Ladder.id(LadderKind.NO_SHOW, site.code(), date, child.id()));
                if (closedByStaff || noShow.isPresent()) {
                    closed++;
                }
                if (fate == Fate.ABSENT && noShow.isPresent()) {
                    absentAlerted++;
                }
                if (fate == Fate.NO_SHOW) {
                    noShows++;
                    if (noShow.isPresent()) {
                        String first = noShow.get().steps().get(0);
                        Instant at = Instant.parse(first.substring(first.indexOf('@') + 1));
                        if (Duration.between(deadline, at).getSeconds() <= 60) {
                            noShowsOnTime++;
                        }
                    }
                }
            }
        }
    }

    private static double jvmCpuSeconds() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    /** Heap in use now, garbage included: the most the collector let it grow to. */
    private void sampleHeap() {
        mostHeapUsed = Math.max(mostHeapUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    /**
     * Redis calls by command over the whole run (from INFO commandstats), per message sent. Redis
     * counts the commands inside a script or a transaction on their own too, so the total time
     * leaves out the wrappers' time, which includes theirs.
     */
    private void redisCalls() {
        long total = 0;
        long totalMicros = 0;
        Map<String, long[]> calls = new TreeMap<>();
        for (String line : gateway.redis().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                long n = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                long micros = Long.parseLong(line.replaceAll("^[^:]*:calls=\\d+,usec=(\\d+),.*", "$1"));
                String command = line.substring(8, line.indexOf(':'));
                calls.put(command, new long[] {n, micros});
                total += n;
                totalMicros += Set.of("exec", "eval", "evalsha").contains(command) ? 0 : micros;
            }
        }
        long sent = Math.max(1, provider.total());
        out.printf("| Redis calls (per message sent), time in commands (inside scripts and transactions too) | %d (%.1f), %.1f s |%n",
                total, (double) total / sent,
                totalMicros / 1e6);
        long reads = ServerInfo.number(gateway.redis(), "stats", "total_reads_processed");
        out.printf("| Redis round trips: reads from clients (per message sent) | %d (%.1f) |%n", reads, (double) reads / sent);
        calls.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(12)
                .forEach(e -> out.printf("| Redis calls, %s: calls, time | %d, %.2f s |%n", e.getKey(), e.getValue()[0],
                        e.getValue()[1] / 1e6));
    }

    private void report(long start, long seeded) {
        double wall = (System.nanoTime() - start) / 1e9;
        out.println();
        out.println("| measure | value |");
        out.println("|---|---|");
        out.printf("| sites, children, site days | %d, %d, %d |%n", sites.size(), firstGuardian.size(), days);
        out.printf("| child-days | %d |%n", childDays);
        out.printf("| child-days closed (checked out, absent, or escalated) | %.2f %% |%n", 100.0 * closed / Math.max(1, childDays));
        out.printf("| no-shows alerted within 60 s of the deadline | %.2f %% (%d of %d) |%n",
                100.0 * noShowsOnTime / Math.max(1, noShows), noShowsOnTime, noShows);
        out.printf("| alerts for reported absences | %d |%n", absentAlerted);
        out.printf("| duplicate alerts | %d |%n", provider.duplicates());
        out.printf("| inbound messages (guardians and staff) | %d |%n", inbound.get());
        out.printf("| messages sent | %d |%n", provider.total());
        provider.byClass().forEach((k, v) -> out.printf("| sent, class %s | %d |%n", k, v));
        provider.byTemplate().forEach((k, v) -> out.printf("| sent, %s | %d |%n", k, v));
        out.printf("| wall time (seeding) | %.1f s (%.1f s) |%n", wall, (seeded - start) / 1e9);
        out.printf("| wall time: inbound messages, safety sweep, draining the outbox | %.1f s, %.1f s, %.1f s |%n",
                inboundNanos / 1e9, sweepNanos / 1e9, drainNanos / 1e9);
        out.printf("| CPU time: gateway JVM, redis-server (its AOF rewrites) | %.1f s, %.1f s (%.1f s) |%n", jvmCpuSeconds(),
                ServerInfo.cpuSeconds(gateway.redis(), ""), ServerInfo.cpuSeconds(gateway.redis(), "_children"));
        long redisBytes = ServerInfo.number(gateway.redis(), "memory", "used_memory_peak");
        out.printf("| Redis memory, peak (per message sent) | %d MB (%d bytes) |%n", redisBytes >> 20,
                redisBytes / Math.max(1, provider.total()));
        redisCalls();
        long collections = 0;
        long collecting = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
            collecting += Math.max(0, gc.getCollectionTime());
        }
        out.printf("| heap: -Xmx, most in use (sampled each simulated minute), collections (time in them) | %d MB, %d MB, %d (%.1f s) |%n",
                Runtime.getRuntime().maxMemory() >> 20, mostHeapUsed >> 20, collections, collecting / 1e3);
    }
}
