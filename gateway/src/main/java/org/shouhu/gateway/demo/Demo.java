package org.shouhu.gateway.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.Gateway;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.redis.ScratchDirectory;
import org.shouhu.gateway.channel.aliyun.AliyunSender;
import org.shouhu.gateway.channel.aliyun.MainlandSmsRouting;
import org.shouhu.gateway.channel.twilio.TwilioApiClient;
import org.shouhu.gateway.channel.twilio.TwilioSender;
import org.shouhu.gateway.channel.twilio.TwilioSettings;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.templates.TemplateKey;

/**
 * Plays one care-site day end to end on a simulated SMS provider: the coordinator sets up a site
 * through the admin API, then grandparents and staff text the gateway through signed Twilio
 * webhooks while the clock moves from morning to evening; every SMS is printed as the phone shows it.
 *
 * <p>The node runs with Aliyun SMS configured too (every message kind with a TemplateCode, SendSms answered by the
 * simulated provider, the pushes posted by {@link AliyunPushes}). A node sends every mainland number through Aliyun;
 * here every phone is a mainland one, so the demo narrows Aliyun to one grandmother, 赵小丽的奶奶
 * (a {@code MainlandSmsRouting} narrowed to her number, demo only): her texts come in as SmsUp pushes, what she is sent goes by SendSms
 * (📩, 阿里云) and is reported delivered by SmsReport, while everyone else stays on Twilio.
 */
public final class Demo {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final String DAY = "2026-07-15";
    private static final String ACCOUNT = "ACdemo00000000000000000000000000";
    private static final String TOKEN = "demo-auth-token";
    private static final String ADMIN = "demo-admin-token";
    private static final String OUR_NUMBER = "+8610690000";
    private static final String TELEGRAM_TOKEN = "100200300:DemoBotToken_abc";
    private static final String TELEGRAM_SECRET = "demo-telegram-secret";
    private static final String MOM_TELEGRAM = "telegram:777001";
    /** The grandmother whose SMS go through Aliyun: she texts from a basic phone in Zhaotong. */
    private static final String ALIYUN_GRANDMA = "+8613912340005";
    private static final String ALIYUN_PUSH_TOKEN = "demo-aliyun-push-token-0123456789";
    private static final String ALIYUN_SIGN_NAME = "守护托管";
    private int telegramUpdates;
    private String lastInviteCode;

    private final PrintStream out;
    private final Map<String, String> who = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private SimulatedProvider provider;
    private Gateway gateway;
    private TwilioWebhooks twilio;
    private AliyunPushes aliyun;
    private SettableClock clock;
    private String base;

    private final boolean stay;

    private Demo(PrintStream out, boolean stay) {
        this.out = out;
        this.stay = stay;
    }

    /** Runs the demo and returns the process exit code. */
    public static int run(PrintStream out) throws Exception {
        return run(new String[0], out);
    }

    /**
     * Runs the demo; with {@code --stay} the node keeps running after the day, with the web console
     * open, until the process is stopped. Returns the process exit code (2 for an option it does not know).
     */
    public static int run(String[] args, PrintStream out) throws Exception {
        boolean stay = args.length == 1 && args[0].equals("--stay");
        if (args.length > 0 && !stay) {
            System.err.println("usage: shouhu demo [--stay]   (--stay: keep the node and its web console running after the day)");
            return 2;
        }
        new Demo(out, stay).play();
        return 0;
    }

    private void play() throws Exception {
        int port = stay && System.getenv("SHOUHU_HTTP_PORT") != null ? Integer.parseInt(System.getenv("SHOUHU_HTTP_PORT")) : freePort();
        String base = "http://127.0.0.1:" + port;
        clock = new SettableClock(at("07:40"));
        try (SimulatedProvider p = new SimulatedProvider()) {
            provider = p;
            Map<String, String> env = new HashMap<>();
            env.put("SHOUHU_HTTP_PORT", String.valueOf(port));
            env.put("SHOUHU_PUBLIC_URL", base);
            ScratchDirectory redisDir = ScratchDirectory.create("shouhu-demo-redis");
            env.put("SHOUHU_REDIS_DIR", redisDir.path().toString());
            env.put("SHOUHU_ADMIN_TOKEN", ADMIN);
            env.put("SHOUHU_OUTBOX_WORKERS", "0");
            env.put("SHOUHU_NODE_ID", "demo");
            env.put("SHOUHU_SWEEP_SECONDS", "0");
            env.put("TWILIO_ACCOUNT_SID", ACCOUNT);
            env.put("TWILIO_AUTH_TOKEN", TOKEN);
            env.put("TWILIO_FROM", OUR_NUMBER);
            env.put("TWILIO_MPS", "unpaced"); // the simulated providers take everything at once
            env.put("TELEGRAM_MPS", "unpaced");
            env.put("TWILIO_API_URL", provider.url());
            env.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
            env.put("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET);
            env.put("TELEGRAM_API_URL", provider.url());
            // Aliyun SMS: SendSms to the simulated provider, each message kind with a TemplateCode of its own
            Map<String, TemplateKey> codes = aliyunTemplates();
            env.put("ALIYUN_ACCESS_KEY_ID", "LTAI5tDemoAccessKeyId");
            env.put("ALIYUN_ACCESS_KEY_SECRET", "demo-aliyun-access-key-secret");
            env.put("ALIYUN_SMS_SIGN_NAME", ALIYUN_SIGN_NAME);
            env.put("ALIYUN_SMS_TEMPLATES", codes.entrySet().stream().map(e -> e.getValue().fileName() + "=" + e.getKey())
                    .collect(java.util.stream.Collectors.joining(",")));
            env.put("ALIYUN_SMS_ENDPOINT", provider.url());
            env.put("ALIYUN_PUSH_TOKEN", ALIYUN_PUSH_TOKEN);
            provider.aliyunTemplates(codes);
            Config config = Config.fromEnv(env);
            try (redisDir; TwilioApiClient twilioApi = new TwilioApiClient(provider.url());
                 Gateway g = Gateway.start(config, clock, List.of(demoSms(config, twilioApi)))) {
                gateway = g;
                twilio = new TwilioWebhooks(base, base, ACCOUNT, TOKEN, OUR_NUMBER);
                aliyun = new AliyunPushes(base, ALIYUN_PUSH_TOKEN);
                this.base = base;
                day(base);
                if (stay) {
                    stay();
                }
            }
        }
    }

    /** A TemplateCode for every message kind that may go by SMS, as if each had been approved: SMS_1000{nn}. */
    private static Map<String, TemplateKey> aliyunTemplates() {
        Map<String, TemplateKey> codes = new LinkedHashMap<>();
        for (TemplateKey key : TemplateKey.values()) {
            if (!key.spokenOnly()) {
                codes.put(String.format("SMS_1000%02d", key.ordinal()), key);
            }
        }
        return codes;
    }

    /**
     * The {@code sms} sender of the demo's node: Aliyun for {@link #ALIYUN_GRANDMA} only, Twilio (the simulated
     * provider) for every other number — where a node would send every mainland number through Aliyun.
     */
    private static ChannelSender demoSms(Config config, TwilioApiClient twilioApi) {
        Config.Twilio t = config.twilio();
        TwilioSettings settings = new TwilioSettings(t.accountSid(), t.authToken(), t.from(), t.messagingServiceSid(),
                t.apiUrl(), config.publicUrl());
        return new MainlandSmsRouting(new AliyunSender(config.aliyun().orElseThrow()),
                new TwilioSender(Address.SMS, settings, twilioApi), to -> ALIYUN_GRANDMA.equals(to.value()));
    }

    private void day(String base) throws Exception {
        out.println("守护 Shouhu demo — one day at 永丰小学托管点 (site ZT0427), " + DAY);
        out.println("SMS (📱), Telegram (💬) and phone calls (📞) go to a simulated provider on 127.0.0.1; phone numbers are masked as in the logs.");
        out.println("赵小丽的奶奶's SMS go through Aliyun (📩 …（阿里云）: SendSms with a TemplateCode; her texts come back as SmsUp pushes).");
        out.println();
        setUp(base);

        say("08:00", "+8613600000009", "陌生人", "你好");
        say("08:01", "+8613912340005", "赵小丽的奶奶", "DJ 赵小丽 ZT0427");
        say("08:02", "+8613800000001", "张队长", "批 1");
        say("08:03", "+8613912345678", "王小明的奶奶", "YQ");
        chat("08:04", "王小明的妈妈", "/start " + lastInviteCode);
        say("08:05", "+8613800000002", "李志愿者", "到 1 2 5");
        tick("08:30", "no-show check: 30 minutes after opening");
        tick("08:35", "no answer for 5 minutes: 张小刚's 爷爷, who cannot read, is phoned");
        press("08:36", "张小刚的爷爷", "1");
        say("08:40", "+8613800000001", "张队长", "未到");
        tick("08:45", "nobody answered 陈小芳's alert for 15 minutes: the captain is told");
        say("08:50", "+8613912340004", "陈小芳的妈妈", "2");
        say("08:55", "+8613800000002", "李志愿者", "到 3");
        say("10:00", "+8613912345678", "王小明的奶奶", "４");
        say("10:30", "+8613800000001", "张队长", "课 防溺水");
        say("12:00", "+8613800000001", "张队长", "通知 明天有大雨，请8点前送到，下午提前到5点接。");
        say("16:30", "+8613912340002", "李小红的外婆", "3");
        tick("17:00", "pick-up reminder: 30 minutes before closing");
        say("17:05", "+8613800000002", "李志愿者", "走 1 奶奶");
        say("17:06", "+8613800000002", "李志愿者", "走 3 爷爷");
        say("17:10", "+8613800000002", "李志愿者", "走 2 志愿者护送");
        say("17:12", "+8613800000002", "李志愿者", "走 9");
        say("17:15", "+8613912340002", "李小红的外婆", "TD");
        say("17:20", "+8613800000001", "张队长", "通知 今天辛苦了，明天见。");
        tick("17:35", "the day's drowning-prevention alert, right after pick-up time");
        tick("17:45", "overdue check: 15 minutes after closing, 赵小丽 is still there");
        say("17:50", "+8613912340005", "赵小丽的奶奶", "1");
        say("18:00", "+8613800000002", "李志愿者", "走 5 奶奶");
        say("18:05", "+8613800000001", "张队长", "名单");

        out.println();
        out.println("── what the admin API says was sent to 王小明的奶奶 (GET /api/messages?to=…):");
        String json = get(base + "/api/messages?to=%2B8613912345678");
        out.println("   " + json.split("\\},\\{").length + " messages, statuses: " + statuses(json));
        out.println("── and to 赵小丽的奶奶, through Aliyun (delivery from its SmsReport pushes):");
        json = get(base + "/api/messages?to=%2B8613912340005");
        out.println("   " + json.split("\\},\\{").length + " messages, statuses: " + statuses(json));
    }

    private void setUp(String base) throws Exception {
        out.println("── 07:30 the county coordinator sets up the site through the admin API");
        call("PUT", base + "/api/sites/ZT0427",
                "{\"name\":\"永丰小学托管点\",\"county\":\"昭阳区\",\"opens\":\"08:00\",\"closes\":\"17:30\"}");
        staff(base, "+8613800000001", "张队长", "captain");
        staff(base, "+8613800000002", "李志愿者", "volunteer");
        child(base, "王小明", "+8613912345678", "奶奶", "王小明的奶奶", "+8613712340000", "爸爸", "王小明的爸爸");
        child(base, "李小红", "+8613912340002", "外婆", "李小红的外婆", null, null, null);
        child(base, "张小刚", "+8613912340003", "爷爷", "张小刚的爷爷", null, null, null);
        child(base, "陈小芳", "+8613912340004", "妈妈", "陈小芳的妈妈", null, null, null);
        call("PUT", base + "/api/sites/ZT0427/children/" + childId(base, 3) + "/guardians/+8613912340003",
                "{\"voiceFirst\":true}"); // he cannot read: an unanswered alert is read to him on the phone
        who.put("+8613912340005", "赵小丽的奶奶");
        who.put(MOM_TELEGRAM, "王小明的妈妈");
        who.put("+8613600000009", "陌生人");
        out.println("   site ZT0427, captain 张队长, volunteer 李志愿者, children 1王小明 2李小红 3张小刚 (his 爷爷 cannot read: phoned) 4陈小芳");
        out.println();
    }

    private void staff(String base, String phone, String name, String role) throws Exception {
        who.put(phone, name);
        call("POST", base + "/api/sites/ZT0427/staff",
                "{\"phone\":\"" + phone + "\",\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    }

    private void child(String base, String name, String phone1, String rel1, String who1,
                       String phone2, String rel2, String who2) throws Exception {
        who.put(phone1, who1);
        String guardians = "{\"phone\":\"" + phone1 + "\",\"relation\":\"" + rel1 + "\"}";
        if (phone2 != null) {
            who.put(phone2, who2);
            guardians += ",{\"phone\":\"" + phone2 + "\",\"relation\":\"" + rel2 + "\"}";
        }
        call("POST", base + "/api/sites/ZT0427/children", "{\"name\":\"" + name + "\",\"guardians\":[" + guardians + "]}");
    }

    /** One person texts at a time of day; prints the text and every message that follows. */
    private void say(String time, String from, String name, String text) throws Exception {
        clock.set(at(time));
        int status;
        if (from.equals(ALIYUN_GRANDMA)) { // Twilio cannot take a mainland reply: Aliyun pushes it to us
            out.println("── " + time + "  " + name + " (" + Phone.mask(from) + ") " + (text.matches("\\d") ? "replies " : "texts ")
                    + text + " through Aliyun (SmsUp push)");
            status = aliyun.smsUp(from, text, DAY + " " + time + ":00");
        } else {
            out.println("── " + time + "  " + name + " (" + Phone.mask(from) + ") texts: " + text);
            status = twilio.sms(from, text);
        }
        if (status != 200) {
            out.println("   gateway answered HTTP " + status);
        }
        delivered();
    }

    /** The migrant mother writes to the Telegram bot. */
    private void chat(String time, String name, String text) throws Exception {
        clock.set(at(time));
        out.println("── " + time + "  " + name + " (Telegram) writes: " + text);
        String update = "{\"update_id\":" + (++telegramUpdates) + ",\"message\":{\"message_id\":" + telegramUpdates
                + ",\"chat\":{\"id\":777001,\"type\":\"private\"},\"date\":0,\"text\":\"" + text + "\"}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/telegram"))
                .header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", TELEGRAM_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(update)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            out.println("   gateway answered HTTP " + response.statusCode());
        }
        delivered();
    }

    /** The child id of a roster number, from the site's day (GET /api/sites/ZT0427/today). */
    private String childId(String base, int rosterNo) throws Exception {
        com.fasterxml.jackson.databind.JsonNode today = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(get(base + "/api/sites/ZT0427/today"));
        for (com.fasterxml.jackson.databind.JsonNode c : today.get("children")) {
            if (c.get("rosterNo").asInt() == rosterNo) {
                return c.get("childId").asText();
            }
        }
        throw new IllegalStateException("no child number " + rosterNo);
    }

    /** The person on the last voice call presses a key; prints what they hear back, then every message that follows. */
    private void press(String time, String name, String digit) throws Exception {
        clock.set(at(time));
        out.println("── " + time + "  " + name + " presses " + digit + " on the call");
        String heard = twilio.voiceKey(lastCall.gatherUrl(), lastCall.sid(), lastCall.to(), digit);
        out.println("   📞 " + name + " hears: " + spoken(heard).get(0));
        twilio.callEnded(lastCall.statusCallback(), lastCall.sid(), lastCall.to(), "completed");
        delivered();
    }

    /** The last call placed: whom, and where its key and its end are posted. */
    private record Call(String sid, String to, String gatherUrl, String statusCallback) {
    }

    private Call lastCall;

    /** What a TwiML says, each {@code <Say>} in order, without its markup. */
    private static java.util.List<String> spoken(String twiml) {
        java.util.List<String> said = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<Say[^>]*>(.*?)</Say>").matcher(twiml);
        while (m.find()) {
            said.add(m.group(1).replaceAll("<[^>]+>", ""));
        }
        return said;
    }

    /** Time passes; the safety loop fires what is due, as Quartz's sweep does every few seconds. */
    private void tick(String time, String what) throws Exception {
        clock.set(at(time));
        out.println("── " + time + "  ⏱ " + what);
        gateway.runSafety();
        delivered();
    }

    /**
     * Keeps the node running after the day with the console open: the county gets its coordinator
     * and the city an admin, the captain is sent a login code (printed as the phone shows it), and
     * every few hundred milliseconds the clock follows real time, what is due fires and what is
     * queued is sent and printed, until the process is stopped (Ctrl-C).
     */
    private void stay() throws Exception {
        call("PUT", base + "/api/counties/" + java.net.URLEncoder.encode("昭阳区", java.nio.charset.StandardCharsets.UTF_8)
                + "/coordinator", "{\"phone\":\"+8613500000001\",\"name\":\"刘协调员\"}");
        call("PUT", base + "/api/city-admins/+8613600000001", "{\"name\":\"市教育局王科长\"}");
        who.put("+8613500000001", "刘协调员");
        who.put("+8613600000001", "王科长");
        out.println();
        out.println("── the node stays up with its web console (Ctrl-C stops it):");
        out.println("   " + base + "/console/  — log in with a phone number; the code comes by SMS and is printed below");
        out.println("   captain 13800000001 · volunteer 13800000002 · coordinator 13500000001 · city admin 13600000001");
        askLoginCode("+8613800000001");
        delivered();
        Instant started = Instant.now();
        Instant dayAt = clock.instant();
        long lastSweep = 0;
        while (!Thread.currentThread().isInterrupted()) {
            Thread.sleep(300);
            clock.set(dayAt.plus(java.time.Duration.between(started, Instant.now()))); // the demo day goes on in real time
            if (System.nanoTime() - lastSweep > 5_000_000_000L) {
                gateway.runSafety();
                lastSweep = System.nanoTime();
            }
            delivered();
        }
    }

    /** Asks the console for a login code for the phone, as the login page does. */
    private void askLoginCode(String phone) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/console/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        if (!csrf.find()) {
            throw new IllegalStateException("the login page has no form token");
        }
        http.send(HttpRequest.newBuilder(URI.create(base + "/console/login")).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1) + "&phone=" + phone.substring(3))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void delivered() throws Exception {
        gateway.drainOutbox();
        for (SimulatedProvider.Sms sms : provider.take()) {
            String to = sms.to();
            if (to.startsWith("voice:")) { // a phone call: what it says, once, then its menu
                String phone = to.substring("voice:".length());
                java.util.List<String> said = spoken(sms.body());
                out.printf("   📞 %-8s is phoned and hears twice: %s Then: %s%n", who.getOrDefault(phone, Phone.mask(phone)),
                        said.get(0), said.get(2));
                java.util.regex.Matcher action = java.util.regex.Pattern.compile("action=\"([^\"]+)\"").matcher(sms.body());
                lastCall = new Call(sms.sid(), phone, action.find() ? action.group(1).replace("&amp;", "&") : null,
                        sms.statusCallback());
                continue;
            }
            if (sms.aliyun()) { // as her phone shows it, signed by Aliyun; then Aliyun's delivery report
                out.printf("   📩 %-8s %s（阿里云）%n", who.getOrDefault(to, Phone.mask(to)), sms.body());
                String now = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(clock.instant().atZone(ZONE));
                aliyun.delivered(to, sms.sid(), sms.outId(), now, now);
                continue;
            }
            out.printf("   %s %-8s %s%n", to.startsWith("telegram:") ? "💬" : "📱", who.getOrDefault(to, Phone.mask(to)), sms.body());
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("邀请码(\\d{8})").matcher(sms.body());
            if (code.find()) {
                lastInviteCode = code.group(1);
            }
            if (!to.startsWith("telegram:")) {
                twilio.status(sms.statusCallback(), sms.sid(), to, "delivered");
            }
        }
    }

    private void call(String method, String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " → " + response.statusCode() + " " + response.body());
        }
    }

    private String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String statuses(String json) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"status\":\"(\\w+)\"").matcher(json);
        while (m.find()) {
            counts.merge(m.group(1), 1, Integer::sum);
        }
        return counts.toString();
    }

    private static Instant at(String time) {
        return ZonedDateTime.of(java.time.LocalDate.parse(DAY), LocalTime.parse(time), ZONE).toInstant();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
