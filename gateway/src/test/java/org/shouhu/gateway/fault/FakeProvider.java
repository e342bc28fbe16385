package org.shouhu.gateway.fault;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.shouhu.gateway.demo.SimulatedProvider;

/**
 * Twilio's Messages.json create API on loopback for the fault suite, in the test JVM so it outlives
 * every gateway it serves: records each attempt and each accepted SMS (to, body, our message id
 * from its status callback, wall and simulated time), and on demand answers 429 with
 * {@code Retry-After} until a simulated time, adds latency, or trickles one number's answer a
 * byte at a time.
 */
final class FakeProvider implements AutoCloseable {

    /** One SMS the provider accepted (201). */
    record Sms(String to, String body, String messageId, long wallMillis, Instant simulated) {
    }

    /**
     * One call to the create API, whatever it was answered. The nodes' time at the call lies
     * between {@code simulatedLow} (every node had reached it) and {@code simulated} (the time
     * being set): a call made while the clock moves cannot be told to the millisecond.
     */
    record Attempt(String to, String body, String messageId, int status, long wallMillis, Instant simulated,
                   Instant simulatedLow) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Sms> accepted = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicReference<Instant> throttleUntil = new AtomicReference<>(Instant.MIN);
    private final Set<String> trickled = ConcurrentHashMap.newKeySet();
    private volatile long latencyMillis;
    private volatile Supplier<Instant> simulatedNow = () -> Instant.EPOCH;
    private volatile Supplier<Instant> simulatedLow = () -> Instant.EPOCH;
    private volatile boolean closed;

    FakeProvider() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.createContext("/2010-04-01/Accounts/", this::handle);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-provider");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What "now" is for the nodes (their simulated clock, as being set, and as every node has it), stamped on every attempt. */
    void simulatedClock(Supplier<Instant> now, Supplier<Instant> low) {
        this.simulatedNow = now;
        this.simulatedLow = low;
    }

    /** Answers 429 with {@code Retry-After: 1} while the nodes' simulated time is before {@code until}. */
    void throttleUntil(Instant until) {
        throttleUntil.set(until);
    }

    void latency(long millis) {
        this.latencyMillis = millis;
    }

    /** Answers messages to this number with headers at once, then one byte of the body every 5 s. */
    void trickle(String to) {
        trickled.add(to);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> form = SimulatedProvider.form(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String to = form.get("To");
            String body = form.get("Body");
            String callback = form.getOrDefault("StatusCallback", "");
            int m = callback.indexOf("?m=");
            String messageId = m < 0 ? null : callback.substring(m + 3);
            long wall = System.currentTimeMillis();
            Instant low = simulatedLow.get();
            Instant sim = simulatedNow.get();
            if (latencyMillis > 0) {
                sleep(latencyMillis);
            }
            if (sim.isBefore(throttleUntil.get())) {
                record(new Attempt(to, body, messageId, 429, wall, sim, low), null);
                exchange.getResponseHeaders().set("Retry-After", "1");
                reply(exchange, 429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}");
                return;
            }
            String sid = String.format("SM%032d", sequence.incrementAndGet());
            String json = "{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"to\":\"" + to
                    + "\",\"num_segments\":\"1\",\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}";
            if (trickled.contains(to)) {
                record(new Attempt(to, body, messageId, 201, wall, sim, low), null);
                trickle(exchange, json.getBytes(StandardCharsets.UTF_8));
                return;
            }
            record(new Attempt(to, body, messageId, 201, wall, sim, low), new Sms(to, body, messageId, wall, sim));
            reply(exchange, 201, json);
        }
    }

    private synchronized void record(Attempt attempt, Sms sms) {
        attempts.add(attempt);
        if (sms != null) {
            accepted.add(sms);
        }
    }

    private void trickle(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(201, body.length);
        OutputStream out = exchange.getResponseBody();
        for (byte b : body) {
            if (closed) {
                return;
            }
            out.write(b);
            out.flush();
            sleep(5000);
        }
        out.close();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    synchronized List<Sms> accepted() {
        return List.copyOf(accepted);
    }

    synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    synchronized int acceptedCount() {
        return accepted.size();
    }

    /** The accepted SMS, grouped by recipient. */
    synchronized Map<String, List<Sms>> byRecipient() {
        Map<String, List<Sms>> by = new HashMap<>();
        for (Sms s : accepted) {
            by.computeIfAbsent(s.to(), k -> new ArrayList<>()).add(s);
        }
        return by;
    }

    /** The accepted SMS to {@code to} whose text contains {@code part}. */
    synchronized List<Sms> to(String to, String part) {
        return accepted.stream().filter(s -> to.equals(s.to()) && s.body().contains(part)).toList();
    }

    /** Forgets everything received so far (a scenario's set-up traffic). */
    synchronized void clear() {
        accepted.clear();
        attempts.clear();
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
