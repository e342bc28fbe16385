package org.shouhu.gateway;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.shouhu.gateway.bench.BenchSuite;
import org.shouhu.gateway.bench.HelloServer;
import org.shouhu.gateway.bench.ProviderEmulator;
import org.shouhu.gateway.bench.StoreBench;
import org.shouhu.gateway.bench.WebhookBench;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.demo.Demo;
import org.shouhu.gateway.importer.CsvImport;
import org.shouhu.gateway.redis.PrivateRedis;
import org.shouhu.gateway.redis.RedisPools;
import org.shouhu.gateway.simulate.SeasonSimulation;
import org.shouhu.gateway.store.redis.RedisCareStore;
import redis.clients.jedis.UnifiedJedis;

/** Entry point of {@code shouhu.jar}: {@code serve} runs a gateway node, {@code demo} plays a care-site day, {@code import} loads CSV rosters. */
public final class Main {

    private static final String USAGE = """
            usage: java -jar shouhu.jar <command>
              serve                                   run the gateway (configuration: environment, see .env.example)
              demo [--stay]                           play one care-site day on a simulated SMS provider (--stay: then keep the node and its web console running)
              import --sites S.csv --children C.csv [--staff T.csv]   load sites, staff and children (see docs/import.md)
              simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]   a city season (docs/season-simulation.md)
              bench [requests] [threads]              measure one inbound webhook end to end (private Redis, simulated provider)
              bench-store [messages] [rounds]         measure Redis's work per message for the outbox's layouts (docs/season-simulation.md)
              bench-suite [--quick] [--rounds 3] [--only hello,kannel,gateway]   every benchmark of docs/performance.md, one table
              bench-hello --port N                    a bare Netty server answering "hello" (the suite's baseline)
              provider [--mps 10] [--latency-ms 80] [--port 8089]   a Twilio Messages API emulator: 429 above mps per sender (docs/performance.md)""";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        if (command.equals("demo") || command.equals("bench") || command.equals("bench-store")
                || command.equals("simulate") || command.startsWith("bench-") || command.equals("provider")) {
            System.setProperty("shouhu.log.level", "WARN"); // their output is the point; keep logs for trouble
        }
        int code;
        try {
            code = switch (command) {
                case "serve" -> serve();
                case "demo" -> Demo.run(rest, System.out);
                case "import" -> importCsv(rest);
                case "bench" -> WebhookBench.run(rest, System.out);
                case "bench-store" -> StoreBench.run(rest, System.out);
                case "provider" -> ProviderEmulator.run(rest, System.out);
                case "bench-suite" -> BenchSuite.run(rest, System.out);
                case "bench-hello" -> HelloServer.run(rest, System.out);
                case "simulate" -> SeasonSimulation.run(rest, System.out);
                default -> {
                    System.err.println(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            System.err.println("shouhu: " + e.getMessage());
            code = 2;
        }
        System.exit(code);
    }

    private static int serve() throws Exception {
        Config config = Config.fromEnv(System.getenv());
        org.shouhu.routes.fault.Failpoints.configure(Config.failpoints(System.getenv()));
        Clock clock = config.simulatedClock() ? new SettableClock(Instant.now()) : Clock.systemUTC();
        Gateway gateway = Gateway.start(config, clock);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "gateway-stop"));
        System.out.println("shouhu serving on port " + gateway.httpPort() + " (Ctrl-C stops)");
        stopped.await();
        return 0;
    }

    private static int importCsv(String[] args) throws Exception {
        Config config = Config.fromEnv(System.getenv());
        PrivateRedis privateRedis = config.redisUrl() == null ? PrivateRedis.start(config.redisDir(), 0, config.redisMaxMemory()) : null;
        try (UnifiedJedis redis = privateRedis == null ? RedisPools.tcp(config.redisUrl(), 2) : privateRedis.connect(2)) {
            return CsvImport.run(args, new RedisCareStore(redis), System.out, System.err);
        } finally {
            if (privateRedis != null) {
                privateRedis.close();
            }
        }
    }
}
