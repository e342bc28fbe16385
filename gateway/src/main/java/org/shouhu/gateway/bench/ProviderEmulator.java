package org.shouhu.gateway.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.shouhu.gateway.demo.SimulatedProvider;

/**
 * Twilio's Messages API as a real HTTP server for benchmarks: each sending identity ({@code From},
 * or {@code MessagingServiceSid}) may have at most {@code mps} messages accepted in any one-second
 * window, calls above that are answered 429 with code 20429 and {@code Retry-After}; every answer
 * is held back by a fixed latency; every call is recorded with its arrival time by the emulator's
 * clock. It also counts plain calls to {@code /sink/{name}}, the endpoints Kannel's bench delivers to.
 */
public final class ProviderEmulator implements AutoCloseable {

    /** One call to the Messages API: when it arrived (clock millis), who sent it to whom, and the status answered. */
    public record Arrival(long atMillis, String from, String to, String body, String messageId, int status) {
    }

    /** The provider's limits: {@code mps} ≤ 0 accepts everything; {@code port} 0 takes a free one. */
    public record Limits(double mps, long latencyMillis, int port) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final Limits limits;
    private final List<Arrival> arrivals = new ArrayList<>();
    private final Map<String, ArrayDeque<Long>> windows = new HashMap<>();
    private final Map<String, AtomicLong> sinks = new ConcurrentHashMap<>();
    private final Map<String, Long> lastTo = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile long lastSinkMillis;

    public ProviderEmulator(Limits limits, Clock clock) throws IOException {
        this.limits = limits;
        this.clock = clock;
        // the JDK server writes headers and body apart: without this, Nagle and delayed ACKs cost 40 ms a call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", limits.port()), 1024);
        server.createContext("/2010-04-01/Accounts/", this::messages);
        server.createContext("/sink/", this::sink);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "provider-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    /** {@code provider [--mps 10] [--latency-ms 80] [--port 8089]}: serves until killed, a line of counts every 5 s. */
    public static int run(String[] args, PrintStream out) throws Exception {
        double mps = 10;
        long latency = 80;
        int port = 8089;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--mps" -> mps = Double.parseDouble(need(args[i], value));
                case "--latency-ms" -> latency = Long.parseLong(need(args[i], value));
                case "--port" -> port = Integer.parseInt(need(args[i], value));
                default -> throw new IllegalArgumentException("provider: unknown option " + args[i]
                        + " (use --mps N, --latency-ms N, --port N)");
            }
            i++;
        }
        try (ProviderEmulator provider = new ProviderEmulator(new Limits(mps, latency, port), Clock.systemUTC())) {
            out.printf("provider emulator on %s (TWILIO_API_URL): %s msg/s per sender, 429 above, %d ms latency%n",
                    provider.url(), mps > 0 ? mps : "unlimited", latency);
            CountDownLatch never = new CountDownLatch(1);
            while (!never.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                out.printf("accepted %d, answered 429 %d%n", provider.accepted(), provider.throttled());
            }
        }
        return 0;
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException("provider: " + option + " needs a value");
        }
        return value;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void messages(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/Messages.json")) {
                SimulatedProvider.reply(exchange, 404, "{\"code\":20404,\"message\":\"The requested resource was not found\",\"status\":404}");
                return;
            }
            Map<String, String> form = SimulatedProvider.form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String from = form.getOrDefault("From", form.getOrDefault("MessagingServiceSid", ""));
            String to = form.get("To");
            if (to == null || to.isBlank()) {
                SimulatedProvider.reply(exchange, 400, "{\"code\":21604,\"message\":\"A 'To' phone number is required.\",\"status\":400}");
                return;
            }
            String callback = form.getOrDefault("StatusCallback", "");
            int m = callback.indexOf("?m=");
            String messageId = m < 0 ? null : callback.substring(m + 3);
            long now = clock.millis();
            boolean accepted = admit(from, now);
            synchronized (this) {
                arrivals.add(new Arrival(now, from, to, form.get("Body"), messageId, accepted ? 201 : 429));
                if (accepted) {
                    lastTo.put(to, now);
                    notifyAll();
                }
            }
            if (limits.latencyMillis() > 0) {
                sleep(limits.latencyMillis());
            }
            if (!accepted) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                SimulatedProvider.reply(exchange, 429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"more_info\":"
                        + "\"https://www.twilio.com/docs/errors/20429\",\"status\":429}");
                return;
            }
            String sid = String.format("SM%032d", sequence.incrementAndGet());
            SimulatedProvider.reply(exchange, 201, "{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"to\":\"" + to + "\",\"from\":\"" + from
                    + "\",\"num_segments\":\"1\",\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}");
        }
    }

    /** Whether a message from {@code from} at {@code now} fits the sender's window of one second. */
    private synchronized boolean admit(String from, long now) {
        if (limits.mps() <= 0) {
            return true;
        }
        ArrayDeque<Long> window = windows.computeIfAbsent(from, k -> new ArrayDeque<>());
        while (!window.isEmpty() && window.peekFirst() <= now - 1000) {
            window.pollFirst();
        }
        if (window.size() + 1 > limits.mps()) {
            return false;
        }
        window.addLast(now);
        return true;
    }

    private void sink(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String name = exchange.getRequestURI().getPath().substring("/sink/".length());
            sinks.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
            lastSinkMillis = clock.millis();
            byte[] ok = "Accepted".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(202, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(ok);
            }
        }
    }

    /** How many calls {@code /sink/{name}} has had. */
    public long sinkCount(String name) {
        AtomicLong n = sinks.get(name);
        return n == null ? 0 : n.get();
    }

    /** When the last call to any sink arrived (clock millis). */
    public long lastSinkMillis() {
        return lastSinkMillis;
    }

    /** Every call to the Messages API since the last {@link #clear()}, in arrival order. */
    public synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    public synchronized long accepted() {
        return arrivals.stream().filter(a -> a.status() == 201).count();
    }

    public synchronized long throttled() {
        return arrivals.stream().filter(a -> a.status() == 429).count();
    }

    /** The most messages accepted from one sender in any window of one second. */
    public synchronized int maxPerSecond() {
        Map<String, ArrayDeque<Long>> byFrom = new HashMap<>();
        int max = 0;
        for (Arrival a : arrivals) {
            if (a.status() != 201) {
                continue;
            }
            ArrayDeque<Long> w = byFrom.computeIfAbsent(a.from(), k -> new ArrayDeque<>());
            while (!w.isEmpty() && w.peekFirst() <= a.atMillis() - 1000) {
                w.pollFirst();
            }
            w.addLast(a.atMillis());
            max = Math.max(max, w.size());
        }
        return max;
    }

    /**
     * Waits until a message to {@code to} has been accepted at or after {@code sinceMillis} (clock
     * millis) and returns when it was, or -1 after {@code timeoutMillis} of real time.
     */
    public synchronized long awaitTo(String to, long sinceMillis, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        Long at;
        while ((at = lastTo.get(to)) == null || at < sinceMillis) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return -1;
            }
            wait(left);
        }
        return at;
    }

    /** Forgets every call and sink count so far (a scenario's set-up traffic). */
    public synchronized void clear() {
        arrivals.clear();
        lastTo.clear();
        sinks.clear();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
