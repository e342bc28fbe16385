package org.shouhu.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shouhu.gateway.demo.TwilioWebhooks;
import org.shouhu.gateway.redis.PrivateRedis;
import org.shouhu.gateway.store.redis.RedisCareStore;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;
import redis.clients.jedis.UnifiedJedis;

/**
 * One gateway node as its own JVM ({@code shouhu.jar serve}) on a private Redis in a directory of
 * the bench, seeded first with a county of sites (one captain each, children with one guardian
 * each), sending to the provider emulator; and the calls a bench makes to it (signed webhooks,
 * admin API).
 */
final class GatewayNode implements AutoCloseable {

    static final String ACCOUNT = "ACbench0000000000000000000000000";
    static final String AUTH_TOKEN = "bench-token";
    static final String ADMIN_TOKEN = "bench-admin-token";
    static final String OUR_NUMBER = "+8610690000";
    static final String COUNTY = "昭阳区";
    static final int PER_SITE = 100;
    static final String NO_SHOW_SITE = "NS0001";
    static final String NO_SHOW_COUNTY = "威信县";
    static final int NO_SHOW_CHILDREN = 50;

    final int port;
    final int sites;
    private final ProcessBuilder builder;
    private Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private GatewayNode(int port, int sites, ProcessBuilder builder) throws IOException {
        this.port = port;
        this.sites = sites;
        this.builder = builder;
        this.process = builder.start();
    }

    /** Seeds {@code guardians} (rounded up to whole sites of 100) into a private Redis under {@code dir}, then starts a node on it. */
    static GatewayNode start(Path dir, int guardians, String providerUrl, Map<String, String> extra)
            throws IOException, InterruptedException {
        return start(dir, guardians, null, providerUrl, extra);
    }

    /**
     * The same, and when {@code noShowOpens} is given, a site {@link #NO_SHOW_SITE} in county
     * {@link #NO_SHOW_COUNTY} opening then, with {@link #NO_SHOW_CHILDREN} children (guardians
     * {@link #noShowGuardian}) whom nobody checks in.
     */
    static GatewayNode start(Path dir, int guardians, LocalTime noShowOpens, String providerUrl, Map<String, String> extra)
            throws IOException, InterruptedException {
        int sites = (guardians + PER_SITE - 1) / PER_SITE;
        Path redisDir = dir.resolve("redis");
        try (PrivateRedis redis = PrivateRedis.startOwned(redisDir, 0); UnifiedJedis jedis = redis.connect(2)) {
            seed(new RedisCareStore(jedis), sites, noShowOpens);
        }
        int port = Ports.free();
        Map<String, String> env = new HashMap<>();
        env.put("SHOUHU_HTTP_PORT", String.valueOf(port));
        env.put("SHOUHU_PUBLIC_URL", "http://127.0.0.1:" + port);
        env.put("SHOUHU_REDIS_DIR", redisDir.toString());
        env.put("SHOUHU_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHOUHU_NODE_ID", "bench");
        env.put("SHOUHU_REPLY_CAP_PER_HOUR", "1000000");
        env.put("SHOUHU_SWEEP_SECONDS", "0"); // no safety sweep unless a scenario asks: seeded sites would raise no-shows
        env.put("SHOUHU_QUIET_FROM", "23:59"); // no quiet hours: the bench runs whenever it is started
        env.put("SHOUHU_QUIET_UNTIL", "00:00");
        env.put("TWILIO_ACCOUNT_SID", ACCOUNT);
        env.put("TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        env.put("TWILIO_FROM", OUR_NUMBER);
        env.put("TWILIO_API_URL", providerUrl);
        env.put("TWILIO_MPS", "unpaced"); // the unthrottled rows measure the engine; the pacing scenario sets its rate
        env.put("TWILIO_ACCOUNT_MPS", "unpaced");
        env.putAll(extra);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Dshouhu.log.level=WARN", "-jar", jar(), "serve")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("gateway.log").toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SHOUHU_") || k.startsWith("TWILIO_") || k.startsWith("REDIS_"));
        builder.environment().putAll(env);
        GatewayNode node = new GatewayNode(port, sites, builder);
        try {
            Ports.await(port, 90_000);
        } catch (IOException e) {
            node.close();
            throw new IOException(e.getMessage() + "; gateway log: " + Files.readString(dir.resolve("gateway.log")), e);
        }
        return node;
    }

    /** The jar this class was loaded from: the bench runs the same build as a separate process. */
    static String jar() {
        try {
            return Path.of(GatewayNode.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void seed(CareStore care, int sites, LocalTime noShowOpens) {
        List<Site> all = new ArrayList<>();
        List<StaffMember> staff = new ArrayList<>();
        List<CareStore.NewChild> children = new ArrayList<>();
        for (int s = 0; s < sites; s++) {
            all.add(new Site(site(s), "托管点" + s, COUNTY, LocalTime.of(8, 0), LocalTime.of(17, 30)));
            staff.add(new StaffMember(new Phone(captain(s)), site(s), "队长" + s, StaffRole.CAPTAIN));
            for (int c = 0; c < PER_SITE; c++) {
                children.add(new CareStore.NewChild(site(s), "王小" + c, List.of(new Guardian(new Address(guardian(s * PER_SITE + c)), "奶奶"))));
            }
        }
        if (noShowOpens != null) {
            all.add(new Site(NO_SHOW_SITE, "未到测试点", NO_SHOW_COUNTY, noShowOpens, LocalTime.of(23, 58)));
            staff.add(new StaffMember(new Phone("+8613799999999"), NO_SHOW_SITE, "队长", StaffRole.CAPTAIN));
            for (int c = 0; c < NO_SHOW_CHILDREN; c++) {
                children.add(new CareStore.NewChild(NO_SHOW_SITE, "李小" + c, List.of(new Guardian(new Address(noShowGuardian(c)), "妈妈"))));
            }
        }
        care.importAll(all, staff, children);
    }

    static String site(int s) {
        return String.format("BN%04d", s);
    }

    static String captain(int s) {
        return String.format("+86138%08d", s);
    }

    /** The guardian of the {@code i}-th child (site i / 100, roster number i % 100 + 1). */
    static String guardian(int i) {
        return String.format("+86139%08d", i);
    }

    static String noShowGuardian(int c) {
        return String.format("+86137%08d", c);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A signed inbound SMS webhook as form body and {@code X-Twilio-Signature}. */
    String[] signedSms(String from, String body, String sid) {
        Map<String, String> fields = new TreeMap<>(Map.of("MessageSid", sid, "SmsSid", sid, "AccountSid", ACCOUNT,
                "From", from, "To", OUR_NUMBER, "Body", body, "NumMedia", "0", "NumSegments", "1"));
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return new String[] {form.toString(), TwilioWebhooks.signature(AUTH_TOKEN, baseUrl() + "/twilio/sms", fields)};
    }

    HttpRequest smsRequest(String from, String body, String sid) {
        String[] signed = signedSms(from, body, sid);
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/twilio/sms"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Twilio-Signature", signed[1])
                .POST(HttpRequest.BodyPublishers.ofString(signed[0])).build();
    }

    int sms(String from, String body, String sid) throws IOException, InterruptedException {
        return http.send(smsRequest(from, body, sid), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    HttpResponse<String> admin(String method, String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Kills the node at once (SIGKILL), as a crash would, and waits until it is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Starts the node again on the same port, Redis directory and settings, and waits until it serves. */
    void restart() throws IOException, InterruptedException {
        process = builder.start();
        Ports.await(port, 90_000);
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
