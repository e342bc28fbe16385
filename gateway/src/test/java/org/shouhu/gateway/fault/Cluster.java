package org.shouhu.gateway.fault;

import org.shouhu.gateway.testing.OutboxStreams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What one fault scenario runs against: a temp directory, the fake provider, a redis-server of its
 * own (or the nodes' private one), gateway nodes as separate JVMs, their simulated clock, signed
 * webhooks and the admin API. {@link #close()} kills every process it started, whatever happened,
 * and removes the directory.
 */
final class Cluster implements AutoCloseable {

    static final String PUBLIC_URL = "https://gw.fault.test";
    static final String ACCOUNT = "ACfault000000000000000000000000000";
    static final String AUTH_TOKEN = "fault-auth-token";
    static final String ADMIN_TOKEN = "fault-admin-token";
    static final String OUR_NUMBER = "+8610690009";
    static final String SIG = "【守护托管】";
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final FakeProvider provider;
    final List<NodeProcess> nodes = new ArrayList<>();
    RedisProcess redis;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sids = new AtomicLong();
    private volatile Instant now = at("07:00");
    /** The time every live node has been told (now may be ahead while a move is under way). */
    private volatile Instant reached = at("07:00");

    /** Kills what this cluster started should the test JVM itself be stopped (surefire's timeout, Ctrl-C). */
    private final Thread onExit = new Thread(this::close, "fault-cluster-stop");
    private boolean closed;

    Cluster() throws IOException {
        dir = Files.createTempDirectory("shouhu-fault-");
        provider = new FakeProvider();
        provider.simulatedClock(() -> now, () -> reached);
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** A redis-server of the cluster's own, which the nodes reach by REDIS_URL. */
    Cluster withRedis() throws IOException {
        redis = new RedisProcess(dir.resolve("redis"));
        redis.start();
        return this;
    }

    /** The environment every node gets; {@code extra} adds or overrides ({@code null} removes). */
    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        if (redis != null) {
            env.put("REDIS_URL", redis.url());
        } else {
            env.put("SHOUHU_REDIS_DIR", dir.resolve("private-redis").toString());
        }
        env.put("SHOUHU_PUBLIC_URL", PUBLIC_URL);
        env.put("SHOUHU_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHOUHU_CLOCK", "simulated");
        env.put("SHOUHU_ALLOW_SIMULATED_CLOCK", "true");
        env.put("SHOUHU_ALLOW_FAILPOINTS", "true");
        env.put("SHOUHU_SWEEP_SECONDS", "0");
        env.put("SHOUHU_OUTBOX_WORKERS", "4");
        env.put("SHOUHU_HTTP_WORKERS", "16");
        env.put("SHOUHU_REPLY_CAP_PER_HOUR", "100000");
        env.put("SHOUHU_QUIET_FROM", "23:59");
        env.put("SHOUHU_QUIET_UNTIL", "00:00");
        env.put("TWILIO_ACCOUNT_SID", ACCOUNT);
        env.put("TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        env.put("TWILIO_FROM", OUR_NUMBER);
        env.putAll(org.shouhu.gateway.testing.GatewayUnderTest.UNPACED);
        env.put("TWILIO_API_URL", provider.url());
        extra.forEach((k, v) -> {
            if (v == null) {
                env.remove(k);
            } else {
                env.put(k, v);
            }
        });
        return env;
    }

    /** Starts a node and sets its clock to the cluster's simulated now. */
    NodeProcess node(String name, Map<String, String> extra) throws IOException, InterruptedException {
        NodeProcess node = new NodeProcess(name, dir, env(extra));
        nodes.add(node);
        node.start();
        setClock(node, now);
        return node;
    }

    /** Starts a killed node again and gives it the cluster's time. */
    void restart(NodeProcess node) throws IOException, InterruptedException {
        node.kill9();
        node.start();
        setClock(node, now);
    }

    /**
     * How many outbox entries were read by a worker and never acknowledged, on the cluster's own
     * server or the nodes' private one (its port in {@code redis-server.pid}, its password in
     * {@code redis-auth.conf}); -1 when it cannot be asked.
     */
    long outboxPending() {
        try {
            if (redis != null) {
                try (redis.clients.jedis.Jedis jedis = redis.connect()) {
                    return OutboxStreams.pending(jedis);
                }
            }
            Path data = dir.resolve("private-redis");
            String port = Files.readString(data.resolve("redis-server.pid")).strip().split(" ")[1];
            String password = Files.readString(data.resolve("redis-auth.conf")).strip().replaceFirst("^requirepass ", "");
            try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis("127.0.0.1", Integer.parseInt(port), 5000)) {
                jedis.auth(password);
                return OutboxStreams.pending(jedis);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // --- time

    static Instant at(String time) {
        return ZonedDateTime.of(DAY, LocalTime.parse(time), ZONE).toInstant();
    }

    Instant now() {
        return now;
    }

    /** Moves every live node's clock (each runs what became due) and the provider's view of time. */
    void clock(Instant to) throws IOException, InterruptedException {
        now = to;
        for (NodeProcess node : nodes) {
            if (node.alive()) {
                setClock(node, to);
            }
        }
        reached = to;
    }

    void clock(String time) throws IOException, InterruptedException {
        clock(at(time));
    }

    /** Moves one node's clock only; answers the HTTP status (-1: no answer, the node died). */
    int setClock(NodeProcess node, Instant to) throws InterruptedException {
        now = to.isAfter(now) ? to : now;
        String body = "{\"now\":\"" + DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(to.atZone(ZONE).toOffsetDateTime()) + "\"}";
        try {
            HttpResponse<String> r = admin(node, "POST", "/api/clock", body);
            if (r.statusCode() != 200) {
                throw new AssertionError("POST /api/clock on " + node.name + " answered " + r.statusCode() + ": " + r.body());
            }
            return 200;
        } catch (IOException e) {
            return -1;
        }
    }

    // --- admin API

    HttpResponse<String> admin(NodeProcess node, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode adminJson(NodeProcess node, String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = admin(node, method, path, json);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** The states of a site's children today ({@code arrived}, {@code expected}…), by roster number. */
    Map<Integer, String> today(NodeProcess node, String site) throws IOException, InterruptedException {
        Map<Integer, String> states = new TreeMap<>();
        for (JsonNode c : adminJson(node, "GET", "/api/sites/" + site + "/today", null).path("children")) {
            states.put(c.path("rosterNo").asInt(), c.path("state").asText());
        }
        return states;
    }

    /** The statuses of the messages the admin API lists for a number. */
    List<String> statusesTo(NodeProcess node, String phone) throws IOException, InterruptedException {
        List<String> statuses = new ArrayList<>();
        for (JsonNode m : adminJson(node, "GET", "/api/messages?to=" + URLEncoder.encode(phone, StandardCharsets.UTF_8), null)) {
            statuses.add(m.path("status").asText());
        }
        return statuses;
    }

    void coordinator(NodeProcess node, String county, String phone) throws IOException, InterruptedException {
        adminJson(node, "PUT", "/api/counties/" + URLEncoder.encode(county, StandardCharsets.UTF_8).replace("+", "%20")
                + "/coordinator", "{\"phone\":\"" + phone + "\",\"name\":\"刘主任\"}");
    }

    // --- rosters

    /** Sites, staff and children for {@link #load}. */
    static final class Roster {
        final StringBuilder sites = new StringBuilder("code,name,county,opens,closes\n");
        final StringBuilder staff = new StringBuilder("site_code,phone,name,role\n");
        final StringBuilder children = new StringBuilder("site_code,child_name,guardian1_phone,guardian1_relation,guardian2_phone,guardian2_relation\n");
        final Map<String, List<String>> guardiansBySite = new LinkedHashMap<>();
        int staffCount;

        Roster site(String code, String county, String opens, String closes) {
            sites.append(code).append(",托管点").append(code.substring(code.length() - 2)).append(',').append(county)
                    .append(',').append(opens).append(',').append(closes).append('\n');
            return this;
        }

        /** A staff member; returns their phone. */
        String staff(String site, String role) {
            String phone = String.format("+86138%08d", ++staffCount);
            staff.append(site).append(',').append(phone).append(",职员").append(chinese(staffCount)).append(',')
                    .append(role).append('\n');
            return phone;
        }

        /** {@code count} children at a site, one guardian each, numbered from {@code firstGuardian}. */
        Roster children(String site, int count, int firstGuardian) {
            List<String> phones = guardiansBySite.computeIfAbsent(site, k -> new ArrayList<>());
            for (int i = 0; i < count; i++) {
                String phone = guardian(firstGuardian + i);
                phones.add(phone);
                children.append(site).append(",童").append(chinese(phones.size())).append(',').append(phone)
                        .append(",奶奶,,\n");
            }
            return this;
        }

        static String guardian(int n) {
            return String.format("+86139%08d", n);
        }
    }

    /** A name part without digits (children's names may not carry any): 307 is 三零七. */
    static String chinese(int n) {
        String digits = "零一二三四五六七八九";
        StringBuilder s = new StringBuilder();
        for (char c : String.valueOf(n).toCharArray()) {
            s.append(digits.charAt(c - '0'));
        }
        return s.toString();
    }

    /** Loads a roster with {@code shouhu import} (its own JVM), into the Redis the nodes use. */
    void load(Roster roster) throws IOException {
        Path sites = Files.writeString(dir.resolve("sites.csv"), roster.sites);
        Path staff = Files.writeString(dir.resolve("staff.csv"), roster.staff);
        Path children = Files.writeString(dir.resolve("children.csv"), roster.children);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", NodeProcess.classPath(), "org.shouhu.gateway.Main", "import",
                "--sites", sites.toString(), "--children", children.toString(), "--staff", staff.toString())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SHOUHU_") || k.startsWith("REDIS_"));
        builder.environment().putAll(env(Map.of()));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new AssertionError("import failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Processes.kill9(p);
            throw new IOException(e);
        }
    }

    // --- webhooks

    /** A fresh provider message id, as Twilio gives each inbound SMS. */
    String sid() {
        return String.format("SMfault%025d", sids.incrementAndGet());
    }

    /** Posts a signed inbound SMS; answers the HTTP status, or -1 when the node gave no answer. */
    int sms(NodeProcess node, String from, String body, String sid) {
        try {
            return send(smsRequest(node, from, body, sid, Duration.ofSeconds(30))).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Posts a signed inbound SMS until it is answered 200, as Twilio repeats a webhook: the same
     * {@code MessageSid}, some time later — 5 s of the nodes' clock (a try that died still holds
     * its claim until its lease runs out by that clock) and half a second of ours between tries.
     * Answers the last status.
     */
    int smsUntilAccepted(NodeProcess node, String from, String body, String sid, int tries)
            throws IOException, InterruptedException {
        int status = -1;
        for (int t = 0; t < tries; t++) {
            status = sms(node, from, body, sid);
            if (status == 200) {
                return status;
            }
            clock(now.plusSeconds(5));
            Processes.pause(500);
        }
        return status;
    }

    /** The same, without waiting: -1 when the node gave no answer. */
    CompletableFuture<Integer> smsAsync(NodeProcess node, String from, String body, String sid, Duration timeout) {
        return http.sendAsync(smsRequest(node, from, body, sid, timeout), HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode).exceptionally(e -> -1);
    }

    private HttpResponse<Void> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.discarding());
    }

    HttpRequest smsRequest(NodeProcess node, String from, String body, String sid, Duration timeout) {
        Map<String, String> fields = Map.of("MessageSid", sid, "SmsSid", sid, "AccountSid", ACCOUNT, "From", from,
                "To", OUR_NUMBER, "Body", body, "NumMedia", "0", "NumSegments", "1");
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + "/twilio/sms")).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", sign(PUBLIC_URL + "/twilio/sms", fields))
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    /** Twilio's signature: base64(HMAC-SHA1(auth token, url + each name and value, sorted by name)). */
    static String sign(String url, Map<String, String> fields) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(fields).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- waiting

    /** Polls {@code done} every 100 ms until it holds or {@code timeout} passes; true when it held. */
    static boolean await(Duration timeout, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            Processes.pause(100);
        }
        return done.getAsBoolean();
    }

    /** The logs of every node, for a failed scenario's message. */
    String logs(int lines) {
        StringBuilder s = new StringBuilder();
        for (NodeProcess node : nodes) {
            s.append("\n--- ").append(node.name).append(" (last ").append(lines).append(" lines)\n").append(node.tail(lines));
        }
        return s.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException e) {
                // the JVM is stopping: the hook runs this anyway
            }
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
        // a private redis-server a node started (or left behind when it was killed) carries our directory
        for (long pid : Processes.using(dir)) {
            Processes.kill9(pid);
        }
        provider.close();
        if (Boolean.getBoolean("shouhu.fault.keep")) { // -Dshouhu.fault.keep=true: the nodes' logs and Redis stay to read
            System.out.println("fault cluster kept in " + dir);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temp directory
        }
    }
}
