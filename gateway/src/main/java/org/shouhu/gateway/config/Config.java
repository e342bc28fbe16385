package org.shouhu.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import org.shouhu.routes.care.SafetySettings;
import java.util.Map;
import java.util.Optional;
import org.shouhu.gateway.channel.aliyun.AliyunSettings;
import org.shouhu.gateway.channel.telegram.TelegramSettings;
import org.shouhu.gateway.channel.wechat.WechatSettings;

/**
 * Everything the gateway is told from outside, read from environment variables (all listed, with
 * defaults, in {@code .env.example} and the README). Secrets come only from here.
 */
public record Config(
        int httpPort,
        String publicUrl,
        String redisUrl,
        Path redisDir,
        String adminToken,
        String smsSignature,
        ZoneId zone,
        int replyCapPerHour,
        int outboxWorkers,
        int httpWorkers,
        String nodeId,
        boolean simulatedClock,
        int sweepSeconds,
        int sweepThreads,
        SafetySettings safety,
        Twilio twilio,
        Optional<TelegramSettings> telegram,
        Optional<WechatSettings> wechat,
        HttpFront http,
        String redisMaxMemory,
        int retentionDaysAfterSeason,
        Pacing pacing,
        Optional<AliyunSettings> aliyun) {

    /**
     * Where the HTTP front listens and what it takes on before it refuses (see {@code HttpLimits}).
     *
     * @param host           address to bind ({@code SHOUHU_HTTP_HOST}, default {@code 0.0.0.0}: every interface)
     * @param queue          requests waiting for a worker before 503 ({@code SHOUHU_HTTP_QUEUE})
     * @param maxConnections open connections before 503 ({@code SHOUHU_HTTP_MAX_CONNECTIONS})
     * @param idleTimeout    a connection without a whole request this long is closed ({@code SHOUHU_HTTP_IDLE_SECONDS})
     * @param metricsToken   bearer token of {@code GET /metrics} ({@code SHOUHU_METRICS_TOKEN}; empty: see the next)
     * @param metricsLoopback without a token, {@code GET /metrics} to callers on this machine that no proxy forwarded
     *                        ({@code SHOUHU_METRICS_LOOPBACK=on}; off: to nobody)
     */
    public record HttpFront(String host, int queue, int maxConnections, Duration idleTimeout, String metricsToken,
                            boolean metricsLoopback) {
        @Override
        public String toString() { // the token stays out of logs
            return "HttpFront[host=" + host + ", queue=" + queue + ", maxConnections=" + maxConnections + ", idleTimeout="
                    + idleTimeout + ", metricsToken=" + (metricsToken.isEmpty() ? "unset" : "set") + ", metricsLoopback="
                    + metricsLoopback + "]";
        }
    }

    /**
     * Messages a second each sending identity may send, all nodes together; 0: that channel is not paced.
     *
     * @param twilioMps        per Twilio number of {@code TWILIO_FROM}, or for the messaging service ({@code TWILIO_MPS}, 10)
     * @param twilioAccountMps the Twilio account, SMS and WhatsApp together ({@code TWILIO_ACCOUNT_MPS}, 2000; 0: no cap)
     * @param whatsappMps      per WhatsApp sender ({@code TWILIO_WHATSAPP_MPS}, 80)
     * @param telegramMps      the Telegram bot ({@code TELEGRAM_MPS}, 30)
     * @param wechatMps        the WeChat account ({@code WECHAT_MPS}, 0: WeChat limits by daily quota, not by second)
     * @param voiceCps         voice calls a second per calling number ({@code TWILIO_VOICE_CPS}, 1: Twilio's default)
     */
    public record Pacing(double twilioMps, double twilioAccountMps, double whatsappMps, double telegramMps, double wechatMps,
                         double voiceCps) { // voice: voiceCps

        /** Nothing paced (the demo, the simulation, most tests). */
        public static final Pacing NONE = new Pacing(0, 0, 0, 0, 0, 0);
    }

    /**
     * Twilio's settings: account, sender number or messaging service, where its API is, and the numbers
     * voice calls come from ({@code TWILIO_VOICE_FROM}, comma-separated; null: {@code TWILIO_FROM}'s).
     */
    public record Twilio(String accountSid, String authToken, String from, String messagingServiceSid, String apiUrl,
                         String voiceFrom) { // voice: voiceFrom
    }

    /** Reads the configuration; a malformed value fails with the variable's name. */
    public static Config fromEnv(Map<String, String> env) {
        int port = integer(env, "SHOUHU_HTTP_PORT", 8080);
        return new Config(
                port,
                stripSlash(text(env, "SHOUHU_PUBLIC_URL", "http://127.0.0.1:" + port)),
                text(env, "REDIS_URL", null),
                Path.of(text(env, "SHOUHU_REDIS_DIR", "var/redis")),
                text(env, "SHOUHU_ADMIN_TOKEN", ""),
                text(env, "SHOUHU_SMS_SIGNATURE", "【守护托管】"),
                zone(env),
                integer(env, "SHOUHU_REPLY_CAP_PER_HOUR", 20),
                integer(env, "SHOUHU_OUTBOX_WORKERS", 4),
                integer(env, "SHOUHU_HTTP_WORKERS", 16),
                text(env, "SHOUHU_NODE_ID", defaultNodeId()),
                simulatedClock(env),
                integer(env, "SHOUHU_SWEEP_SECONDS", 15),
                integer(env, "SHOUHU_SWEEP_THREADS", 4),
                new SafetySettings(
                        Duration.ofMinutes(integer(env, "SHOUHU_LADDER_MINUTES", 15)),
                        Duration.ofMinutes(integer(env, "SHOUHU_OVERDUE_MINUTES", 15)),
                        Duration.ofMinutes(integer(env, "SHOUHU_DROWNING_ALERT_MINUTES", 5)),
                        time(env, "SHOUHU_QUIET_FROM", "21:00"),
                        time(env, "SHOUHU_QUIET_UNTIL", "08:00"),
                        Duration.ofMinutes(integer(env, "SHOUHU_VOICE_AFTER_MINUTES", 5))), // voice
                new Twilio(
                        text(env, "TWILIO_ACCOUNT_SID", ""),
                        text(env, "TWILIO_AUTH_TOKEN", ""),
                        text(env, "TWILIO_FROM", null),
                        text(env, "TWILIO_MESSAGING_SERVICE_SID", null),
                        stripSlash(text(env, "TWILIO_API_URL", "https://api.twilio.com")),
                        text(env, "TWILIO_VOICE_FROM", null)), // voice
                telegram(env),
                WechatSettings.fromEnv(env),
                new HttpFront(
                        text(env, "SHOUHU_HTTP_HOST", "0.0.0.0"),
                        positive(env, "SHOUHU_HTTP_QUEUE", 256),
                        positive(env, "SHOUHU_HTTP_MAX_CONNECTIONS", 10_000),
                        Duration.ofSeconds(positive(env, "SHOUHU_HTTP_IDLE_SECONDS", 30)),
                        text(env, "SHOUHU_METRICS_TOKEN", ""),
                        onOff(env, "SHOUHU_METRICS_LOOPBACK")),
                memory(env, "SHOUHU_REDIS_MAXMEMORY", org.shouhu.gateway.redis.PrivateRedis.DEFAULT_MAX_MEMORY),
                integer(env, "SHOUHU_RETENTION_DAYS_AFTER_SEASON", 90),
                new Pacing(
                        rate(env, "TWILIO_MPS", 10),
                        rate(env, "TWILIO_ACCOUNT_MPS", 2000),
                        rate(env, "TWILIO_WHATSAPP_MPS", 80),
                        rate(env, "TELEGRAM_MPS", 30),
                        rate(env, "WECHAT_MPS", 0),
                        rate(env, "TWILIO_VOICE_CPS", 1)), // voice
                AliyunSettings.fromEnv(env));
    }

    public Config withHttpPort(int port) {
        return new Config(port, publicUrl, redisUrl, redisDir, adminToken, smsSignature, zone, replyCapPerHour,
                outboxWorkers, httpWorkers, nodeId, simulatedClock, sweepSeconds, sweepThreads, safety, twilio, telegram, wechat,
                http, redisMaxMemory, retentionDaysAfterSeason, pacing, aliyun);
    }

    /** Messages a second: a number ≥ 0 ({@code 0.5}, {@code 10}), or {@code 0} / {@code unpaced} for no pacing. */
    private static double rate(Map<String, String> env, String name, double fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("unpaced")) {
            return 0;
        }
        try {
            double rate = Double.parseDouble(value);
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new NumberFormatException();
            }
            return rate;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be messages a second (a number ≥ 0, like 10 or 0.5) or unpaced, not \""
                    + value + "\"");
        }
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String value = text(env, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number ≥ 0, not \"" + value + "\"");
        }
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        int n = integer(env, name, fallback);
        if (n == 0) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return n;
    }

    /** A Redis memory size ({@code 512mb}, {@code 2gb}, bytes), checked here so a typo fails at start with its name. */
    private static String memory(Map<String, String> env, String name, String fallback) {
        String value = text(env, name, fallback).toLowerCase(java.util.Locale.ROOT);
        if (!value.matches("[1-9][0-9]*(b|k|kb|m|mb|g|gb)?")) {
            throw new IllegalArgumentException(name + " must be a size like 512mb or 2gb, not \"" + value + "\"");
        }
        return value;
    }

    /** The Telegram bot, when TELEGRAM_BOT_TOKEN is set (then TELEGRAM_WEBHOOK_SECRET is required too). */
    private static Optional<TelegramSettings> telegram(Map<String, String> env) {
        String token = text(env, "TELEGRAM_BOT_TOKEN", null);
        if (token == null) {
            return Optional.empty();
        }
        return Optional.of(new TelegramSettings(token, text(env, "TELEGRAM_WEBHOOK_SECRET", null),
                stripSlash(text(env, "TELEGRAM_API_URL", TelegramSettings.DEFAULT_API_URL))));
    }

    /** A switch: {@code on} or {@code off} (unset: off); anything else is refused at start. */
    private static boolean onOff(Map<String, String> env, String name) {
        String value = text(env, name, "off");
        if (!value.equals("on") && !value.equals("off")) {
            throw new IllegalArgumentException(name + " must be on or off, not \"" + value + "\"");
        }
        return value.equals("on");
    }

    /** {@code SHOUHU_CLOCK=simulated} lets the admin API move time; refused unless explicitly allowed. */
    private static boolean simulatedClock(Map<String, String> env) {
        String clock = text(env, "SHOUHU_CLOCK", "system");
        if (clock.equals("system")) {
            return false;
        }
        if (!clock.equals("simulated")) {
            throw new IllegalArgumentException("SHOUHU_CLOCK must be system or simulated, not \"" + clock + "\"");
        }
        if (!"true".equals(text(env, "SHOUHU_ALLOW_SIMULATED_CLOCK", "false"))) {
            throw new IllegalArgumentException("SHOUHU_CLOCK=simulated lets anyone with the admin token move time; "
                    + "set SHOUHU_ALLOW_SIMULATED_CLOCK=true to allow it (tests and demos only)");
        }
        return true;
    }

    /**
     * The crash points of {@code SHOUHU_FAILPOINTS} (the fault suite's; see {@code Failpoints}), checked;
     * empty when unset. Refused unless {@code SHOUHU_ALLOW_FAILPOINTS=true}: a node must never halt on purpose in the field.
     */
    public static String failpoints(Map<String, String> env) {
        String spec = text(env, "SHOUHU_FAILPOINTS", "");
        if (spec.isEmpty()) {
            return spec;
        }
        if (!"true".equals(text(env, "SHOUHU_ALLOW_FAILPOINTS", "false"))) {
            throw new IllegalArgumentException("SHOUHU_FAILPOINTS makes the node crash on purpose; "
                    + "set SHOUHU_ALLOW_FAILPOINTS=true to allow it (the fault suite only)");
        }
        org.shouhu.routes.fault.Failpoints.check(spec);
        return spec;
    }

    private static LocalTime time(Map<String, String> env, String name, String fallback) {
        String value = text(env, name, fallback);
        try {
            return LocalTime.parse(value.length() == 4 ? "0" + value : value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a time like 21:00, not \"" + value + "\"");
        }
    }

    private static ZoneId zone(Map<String, String> env) {
        String value = text(env, "SHOUHU_ZONE", "Asia/Shanghai");
        try {
            return ZoneId.of(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("SHOUHU_ZONE is not a time zone: \"" + value + "\"");
        }
    }

    private static String stripSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String defaultNodeId() {
        try {
            return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (UnknownHostException e) {
            return "node-" + ProcessHandle.current().pid();
        }
    }

    @Override
    public String toString() {
        return "Config[port=" + httpPort + ", publicUrl=" + publicUrl + ", redis=" + (redisUrl == null ? "private" : "given")
                + ", zone=" + zone + ", twilio=" + (twilio.accountSid().isEmpty() ? "unset" : "set")
                + ", telegram=" + (telegram.isPresent() ? "on" : "off") + ", wechat=" + (wechat.isPresent() ? "on" : "off")
                + ", aliyun=" + (aliyun.isPresent() ? "on" : "off") + "]";
    }
}
