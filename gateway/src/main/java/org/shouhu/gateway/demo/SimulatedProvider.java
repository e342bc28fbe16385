package org.shouhu.gateway.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.shouhu.templates.TemplateKey;
import org.shouhu.templates.Templates;

/**
 * A stand-in for Twilio's REST API and Telegram's Bot API on loopback: accepts
 * {@code POST /2010-04-01/Accounts/{sid}/Messages.json} as Twilio does (201 with a queued message), its
 * {@code Calls.json} (201 with a queued call, kept with its TwiML as the body)
 * and {@code POST /bot{token}/sendMessage} as Telegram does, and Aliyun's SendSms as the Aliyun SDK calls it
 * ({@code POST /} with {@code x-acs-action: SendSms} and its parameters in the query; 200
 * {@code {"Code":"OK","BizId":…,"RequestId":…}}), the text rendered from its TemplateCode's wording and TemplateParam
 * with the SignName as 【…】, as the phone shows it; it keeps each message, so the demo can show what every phone
 * received. Never reaches the internet.
 */
public final class SimulatedProvider implements AutoCloseable {

    /**
     * One SMS as the provider took it; {@code outId} is set only on one Aliyun took ({@link #aliyun()}): our message
     * id, which its delivery report (SmsReport) names, {@code sid} being Aliyun's BizId.
     */
    public record Sms(String sid, String to, String from, String body, String statusCallback, String outId) {

        public Sms(String sid, String to, String from, String body, String statusCallback) {
            this(sid, to, from, body, statusCallback, null);
        }

        /** Whether it went by Aliyun's SendSms (not Twilio or Telegram). */
        public boolean aliyun() {
            return outId != null;
        }
    }

    /** The {@code from} of a message Aliyun took: it is sent under a signature, not from a number of ours. */
    public static final String ALIYUN = "aliyun";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Sms> received = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, TemplateKey> aliyunTemplates = new java.util.concurrent.ConcurrentHashMap<>();
    private final Templates wording = Templates.smsZh();

    public SimulatedProvider() throws IOException {
        // the JDK server writes headers and body apart: without this, Nagle and delayed ACKs cost 40 ms a message
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/2010-04-01/Accounts/", this::handle);
        server.createContext("/bot", this::telegram);
        server.createContext("/", this::aliyun); // Aliyun's API is RPC-style: every action is POST / (x-acs-action)
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "simulated-provider");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many messages are waiting to be taken. */
    public synchronized int count() {
        return received.size();
    }

    /** Everything received since the last call, in order. */
    public synchronized List<Sms> take() {
        List<Sms> copy = List.copyOf(received);
        received.clear();
        return copy;
    }

    private void handle(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod()) && exchange.getRequestURI().getPath().endsWith("/Calls.json")) {
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String sid = String.format("CA%032d", sequence.incrementAndGet());
            synchronized (this) {
                received.add(new Sms(sid, "voice:" + form.get("To"), form.get("From"), form.get("Twiml"), form.get("StatusCallback")));
            }
            reply(exchange, 201, "{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"to\":\"" + form.get("To") + "\"}");
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/Messages.json")) {
            reply(exchange, 404, "{\"code\":20404,\"message\":\"not found\",\"status\":404}");
            return;
        }
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String sid = String.format("SM%032d", sequence.incrementAndGet());
        synchronized (this) {
            received.add(new Sms(sid, form.get("To"), form.get("From"), form.get("Body"), form.get("StatusCallback")));
        }
        reply(exchange, 201, "{\"sid\":\"" + sid + "\",\"status\":\"queued\",\"to\":\"" + form.get("To")
                + "\",\"num_segments\":\"1\",\"direction\":\"outbound-api\",\"api_version\":\"2010-04-01\"}");
    }

    /** Telegram's sendMessage: kept as a message to {@code telegram:<chat_id>}. */
    private void telegram(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String sid = "tg" + sequence.incrementAndGet();
        synchronized (this) {
            received.add(new Sms(sid, "telegram:" + body.path("chat_id").asText(), null, body.path("text").asText(), null));
        }
        reply(exchange, 200, "{\"ok\":true,\"result\":{\"message_id\":" + sequence.get() + "}}");
    }

    /**
     * The approved wording of each TemplateCode, as registered with Aliyun: here the kind's SMS template, so the text
     * a phone shows is the one Twilio would have sent.
     */
    public void aliyunTemplates(Map<String, TemplateKey> byCode) {
        aliyunTemplates.putAll(byCode);
    }

    /**
     * Aliyun's SendSms: the text is its TemplateCode's wording with the TemplateParam values (an empty value leaves
     * its optional part out), signed 【SignName】; kept as a message to {@code +86…} from {@value #ALIYUN}.
     */
    private void aliyun(HttpExchange exchange) throws IOException {
        String action = exchange.getRequestHeaders().getFirst("x-acs-action");
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        exchange.getRequestBody().readAllBytes();
        String requestId = java.util.UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        if (!"POST".equals(exchange.getRequestMethod()) || !"SendSms".equals(action)) {
            reply(exchange, 404, "{\"Code\":\"InvalidAction.NotFound\",\"Message\":\"Specified api is not found\",\"RequestId\":\""
                    + requestId + "\"}");
            return;
        }
        TemplateKey key = aliyunTemplates.get(String.valueOf(query.get("TemplateCode")));
        if (key == null) {
            reply(exchange, 200, "{\"Code\":\"isv.SMS_TEMPLATE_ILLEGAL\",\"Message\":\"该账号下找不到对应模板\",\"RequestId\":\""
                    + requestId + "\"}");
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (query.get("TemplateParam") != null) {
            JSON.readTree(query.get("TemplateParam")).fields().forEachRemaining(e -> {
                if (!e.getValue().asText().isEmpty()) {
                    values.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        String text = "【" + query.get("SignName") + "】" + wording.render(key, values);
        String bizId = String.format("9006%014d^0", sequence.incrementAndGet()); // Aliyun's shape: digits, ^0
        synchronized (this) {
            received.add(new Sms(bizId, "+86" + query.get("PhoneNumbers"), ALIYUN, text, null, query.get("OutId")));
        }
        reply(exchange, 200, "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"" + bizId + "\",\"RequestId\":\"" + requestId + "\"}");
    }

    /** Reads a form body ({@code To=%2B86…&Body=…}) as a provider would. */
    public static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    /** Answers {@code json} with {@code status}, as a provider's API does. */
    public static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
