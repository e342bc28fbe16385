package org.shouhu.gateway.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.demo.SimulatedProvider;
import org.shouhu.gateway.demo.TwilioWebhooks;

/**
 * A real gateway node for end-to-end tests: the test Redis, Twilio's REST API stubbed with
 * WireMock behind the real SDK, signed webhooks in, a settable clock, and the outbox drained on
 * the test's thread after each message so every SMS can be asserted in order.
 */
public final class GatewayUnderTest implements AutoCloseable {

    public static final String PUBLIC_URL = "https://gw.shouhu.test";
    public static final String ACCOUNT = "ACtest0000000000000000000000000000";
    public static final String AUTH_TOKEN = "test-auth-token";
    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String OUR_NUMBER = "+8610690001";
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    public static final String MESSAGES_PATH = "/2010-04-01/Accounts/.*/Messages.json";

    /** In an extra environment value, stands for the WireMock base URL (all provider APIs share one stub). */
    public static final String STUB = "{stub}";

    /** Every channel unpaced: most tests send many messages at one instant of their settable clock. */
    public static final Map<String, String> UNPACED = Map.of("TWILIO_MPS", "unpaced", "TWILIO_WHATSAPP_MPS", "unpaced",
            "TELEGRAM_MPS", "unpaced", "WECHAT_MPS", "unpaced", "TWILIO_VOICE_CPS", "unpaced");

    /** Puts {@link #UNPACED} into a node's environment. */
    public static void unpaced(Map<String, String> env) {
        env.putAll(UNPACED);
    }

    /** One SMS as Twilio's API received it. */
    public record Sms(String to, String body) {
    }

    public final SettableClock clock;
    public final WireMockServer twilioApi;
    public final Gateway gateway;
    private final TwilioWebhooks webhooks;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private int seen;

    public GatewayUnderTest() throws Exception {
        this(Map.of());
    }

    public GatewayUnderTest(Map<String, String> extraEnv) throws Exception {
        TestRedis.fresh();
        clock = new SettableClock(at("2026-07-15", "09:00"));
        twilioApi = new WireMockServer(options().dynamicPort());
        twilioApi.start();
        acceptMessages();
        Map<String, String> env = new HashMap<>();
        env.put("SHOUHU_HTTP_PORT", "0");
        env.put("SHOUHU_PUBLIC_URL", PUBLIC_URL);
        env.put("REDIS_URL", TestRedis.url());
        env.put("SHOUHU_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHOUHU_OUTBOX_WORKERS", "0");
        env.put("SHOUHU_HTTP_WORKERS", "4");
        env.put("SHOUHU_NODE_ID", "test");
        env.put("SHOUHU_SWEEP_SECONDS", "0");
        env.put("TWILIO_ACCOUNT_SID", ACCOUNT);
        env.put("TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        env.put("TWILIO_FROM", OUR_NUMBER);
        unpaced(env); // a test of pacing sets its rates in extraEnv
        env.put("TWILIO_API_URL", twilioApi.baseUrl());
        extraEnv.forEach((k, v) -> env.put(k, v.replace(STUB, twilioApi.baseUrl())));
        gateway = Gateway.start(Config.fromEnv(env), clock);
        base = "http://127.0.0.1:" + gateway.httpPort();
        webhooks = new TwilioWebhooks(base, PUBLIC_URL, ACCOUNT, AUTH_TOKEN, OUR_NUMBER);
    }

    /** Twilio accepts every message: 201, queued, a fresh sid. */
    public void acceptMessages() {
        stubMessages(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"sid\":\"SM{{randomValue length=32 type='HEXADECIMAL'}}\",\"status\":\"queued\"}")
                .withTransformers("response-template"));
    }

    /** Twilio refuses every message with this HTTP status and error code (0: an empty body, as from a proxy). */
    public void refuseMessages(int status, int code) {
        if (code == 0) {
            stubMessages(aResponse().withStatus(status));
            return;
        }
        stubMessages(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"refused\",\"more_info\":\"https://www.twilio.com/docs/errors/"
                        + code + "\",\"status\":" + status + "}"));
    }

    private void stubMessages(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        twilioApi.resetMappings();
        MappingBuilder stub = post(urlPathMatching(MESSAGES_PATH)).willReturn(response);
        twilioApi.stubFor(stub);
    }

    public static final String CAPTAIN = "+8613800000001";
    public static final String VOLUNTEER = "+8613800000002";
    public static final String WANG_GRANDMA = "+8613912345678";
    public static final String WANG_FATHER = "+8613712340000";
    public static final String LI_GRANDMA = "+8613912340002";
    public static final String ZHANG_GRANDPA = "+8613912340003";
    public static final String COORDINATOR = "+8613500000001";

    /**
     * The site most tests use: 永丰小学托管点 (ZT0427, 昭阳区, 08:00–17:30), captain and volunteer,
     * 1王小明 (奶奶, 爸爸), 2李小红 (外婆), 3张小刚 (爷爷).
     */
    public GatewayUnderTest withSite() throws IOException, InterruptedException {
        expect(200, admin("PUT", "/api/sites/ZT0427",
                "{\"name\":\"永丰小学托管点\",\"county\":\"昭阳区\",\"opens\":\"08:00\",\"closes\":\"17:30\"}"));
        expect(201, admin("POST", "/api/sites/ZT0427/staff",
                "{\"phone\":\"" + CAPTAIN + "\",\"name\":\"张队长\",\"role\":\"captain\"}"));
        expect(201, admin("POST", "/api/sites/ZT0427/staff",
                "{\"phone\":\"" + VOLUNTEER + "\",\"name\":\"李志愿者\",\"role\":\"volunteer\"}"));
        child("王小明", "{\"phone\":\"" + WANG_GRANDMA + "\",\"relation\":\"奶奶\"},{\"phone\":\"" + WANG_FATHER
                + "\",\"relation\":\"爸爸\"}");
        child("李小红", "{\"phone\":\"" + LI_GRANDMA + "\",\"relation\":\"外婆\"}");
        child("张小刚", "{\"phone\":\"" + ZHANG_GRANDPA + "\",\"relation\":\"爷爷\"}");
        return this;
    }

    private void child(String name, String guardians) throws IOException, InterruptedException {
        expect(201, admin("POST", "/api/sites/ZT0427/children", "{\"name\":\"" + name + "\",\"guardians\":[" + guardians + "]}"));
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new AssertionError("admin API answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Moves the clock to a time of the test day, lets the safety loop fire what is due, and sends it. */
    public void tick(String time) {
        at(time);
        gateway.runSafety();
        gateway.drainOutbox();
    }

    public static Instant at(String date, String time) {
        return ZonedDateTime.of(LocalDate.parse(date), LocalTime.parse(time), ZONE).toInstant();
    }

    /** Moves the clock to a time of the test day (2026-07-15). */
    public void at(String time) {
        clock.set(at("2026-07-15", time));
    }

    /** A person texts the gateway; the outbox is then drained. Returns the webhook's HTTP status. */
    public int text(String from, String body) throws IOException, InterruptedException {
        int status = webhooks.sms(from, body);
        gateway.drainOutbox();
        return status;
    }

    /** A person texts the gateway and nothing is drained or expanded: what the webhook alone queued stays in the outbox. */
    public int textOnly(String from, String body) throws IOException, InterruptedException {
        return webhooks.sms(from, body);
    }

    /** The same webhook with a given MessageSid, as Twilio repeats it when it did not hear back. */
    public int text(String from, String body, String sid) throws IOException, InterruptedException {
        int status = webhooks.sms(from, body, sid);
        gateway.drainOutbox();
        return status;
    }

    /**
     * Twilio reports a delivery status for a message it accepted, to the status callback the message
     * was sent to Twilio's API with.
     */
    public int status(org.shouhu.routes.model.StoredMessage message, String status) throws IOException, InterruptedException {
        String callback = twilioApi.findAll(postRequestedFor(urlPathMatching(MESSAGES_PATH))).stream()
                .map(r -> SimulatedProvider.form(r.getBodyAsString()).get("StatusCallback"))
                .filter(url -> url != null && url.endsWith("?m=" + message.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no message to Twilio with a status callback for " + message.id()));
        return webhooks.status(callback, message.providerId(), message.to().value(), status);
    }

    /** A report to a status callback of our own making (one that names no message, or another message). */
    public int status(String callback, String sid, String to, String status) throws IOException, InterruptedException {
        return webhooks.status(callback, sid, to, status);
    }

    /** The SMS Twilio's API received since the last call, in order. */
    public List<Sms> sent() {
        List<LoggedRequest> all = twilioApi.findAll(postRequestedFor(urlPathMatching(MESSAGES_PATH)));
        List<Sms> fresh = new ArrayList<>();
        for (LoggedRequest r : all.subList(seen, all.size())) {
            Map<String, String> form = SimulatedProvider.form(r.getBodyAsString());
            fresh.add(new Sms(form.get("To"), form.get("Body")));
        }
        seen = all.size();
        return fresh;
    }

    /** The texts one number received since the last call to {@link #sent()}, leaving the rest unread. */
    public static List<String> to(List<Sms> sms, String phone) {
        return sms.stream().filter(s -> phone.equals(s.to())).map(Sms::body).toList();
    }

    public HttpResponse<String> admin(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> raw(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public redis.clients.jedis.UnifiedJedis redis() {
        return gateway.redis();
    }

    /** The id of the child with roster number {@code rosterNo} at ZT0427 (ids come from Redis's clock: only the number is known). */
    public String childId(int rosterNo) {
        return gateway.care().roster("ZT0427").stream().filter(c -> c.rosterNo() == rosterNo).findFirst().orElseThrow().id();
    }

    public String baseUrl() {
        return base;
    }

    @Override
    public void close() {
        gateway.close();
        twilioApi.stop();
    }
}
