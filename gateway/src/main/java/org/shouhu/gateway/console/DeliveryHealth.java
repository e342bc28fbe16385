package org.shouhu.gateway.console;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.shouhu.gateway.metrics.RecentSendErrors;
import org.shouhu.gateway.store.redis.RedisGauges;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.SendingTime;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.Pacer;

/**
 * How the sending goes, read when asked: each channel's lanes with what is queued and in flight
 * (the same reads as {@code /metrics}, {@link RedisGauges}), when each lane should be done at the
 * pacer's rate (a lane waits for the lanes above it), the provider errors of the last hour, and the
 * dead letters. It is red when a dead letter exists or a lane would take more than an hour.
 */
public final class DeliveryHealth {

    /** A lane whose finish estimate passes this is red. */
    static final Duration TOO_LONG = Duration.ofHours(1);
    /** How many of the newest dead letters are shown. */
    static final int LATEST_DEAD_LETTERS = 5;
    private static final Map<String, String> CHANNELS = Map.of("sms", "短信", "whatsapp", "WhatsApp", "telegram", "Telegram",
            "wechat", "微信", "voice", "电话");
    private static final Map<Lane, String> LANES = Map.of(Lane.URGENT, "紧急", Lane.REPLY, "回复", Lane.CONFIRM, "确认",
            Lane.BULK, "群发");
    private static final Map<String, String> OUTCOMES = Map.of("throttled", "限流", "transient", "暂时失败", "permanent", "永久失败");
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MM-dd HH:mm");

    private final RedisGauges gauges;
    private final Pacer pacer;
    private final Supplier<List<Map<String, Object>>> deadLetters;
    private final Supplier<List<RecentSendErrors.Count>> errors;
    private final CareDay day;

    /**
     * @param deadLetters what {@code GET /api/dead-letters} lists (oldest first)
     * @param errors      the provider calls refused in the last hour (this node's)
     */
    public DeliveryHealth(RedisGauges gauges, Pacer pacer, Supplier<List<Map<String, Object>>> deadLetters,
                          Supplier<List<RecentSendErrors.Count>> errors, CareDay day) {
        this.gauges = gauges;
        this.pacer = pacer;
        this.deadLetters = deadLetters;
        this.errors = errors;
        this.day = day;
    }

    /** Everything the page shows and {@code /console/health/live} answers, read now. */
    public Map<String, Object> read() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", day.clock().instant().atZone(day.zone()).toLocalTime().withNano(0).toString());
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> channels = new ArrayList<>();
        for (String channel : Lane.CHANNELS) {
            channels.add(channel(channel, problems));
        }
        out.put("channels", channels);
        out.put("delayed", gauges.outboxDelayed());
        List<Map<String, Object>> errorRows = new ArrayList<>();
        for (RecentSendErrors.Count c : errors.get()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("channel", c.channel());
            row.put("channelLabel", CHANNELS.getOrDefault(c.channel(), c.channel()));
            row.put("outcome", c.outcome());
            row.put("outcomeLabel", OUTCOMES.getOrDefault(c.outcome(), c.outcome()));
            row.put("error", c.error());
            row.put("count", c.count());
            errorRows.add(row);
        }
        out.put("errors", errorRows);
        List<Map<String, Object>> letters = deadLetters.get();
        List<Map<String, Object>> latest = new ArrayList<>();
        for (int i = letters.size() - 1; i >= 0 && latest.size() < LATEST_DEAD_LETTERS; i--) {
            latest.add(deadLetter(letters.get(i)));
        }
        Map<String, Object> dead = new LinkedHashMap<>();
        dead.put("count", letters.size());
        dead.put("latest", latest);
        out.put("deadLetters", dead);
        if (!letters.isEmpty()) {
            problems.add(0, "有" + letters.size() + "条死信（多次发送都失败，已放弃）");
        }
        out.put("red", !problems.isEmpty());
        out.put("problems", problems);
        return out;
    }

    /** One channel: its rate and its lanes, highest first; a lane's estimate counts what the lanes above it still have. */
    private Map<String, Object> channel(String channel, List<String> problems) {
        Map<String, Object> out = new LinkedHashMap<>();
        String label = CHANNELS.getOrDefault(channel, channel);
        boolean paced = pacer.paces(channel);
        double rate = paced ? pacer.rate(channel) : Double.POSITIVE_INFINITY;
        out.put("channel", channel);
        out.put("label", label);
        out.put("paced", paced);
        out.put("rate", paced ? rate : null);
        out.put("rateText", !paced ? "不限速" : rate <= 0 ? "已暂停" : "每秒" + trim(rate) + "条");
        List<Map<String, Object>> lanes = new ArrayList<>();
        long ahead = 0; // what this lane and the lanes above it hold (lanes are served highest first)
        for (Lane lane : Lane.values()) {
            RedisGauges.LaneDepth depth = gauges.outboxLane(channel, lane);
            ahead += depth.total();
            Duration finish = depth.total() == 0 ? Duration.ZERO : finish(ahead, rate);
            boolean red = finish.compareTo(TOO_LONG) > 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("lane", lane.key());
            row.put("label", LANES.get(lane));
            row.put("queued", depth.queued());
            row.put("inFlight", depth.inFlight());
            row.put("depth", depth.total());
            row.put("finishSeconds", finish.toSeconds());
            row.put("finish", depth.total() == 0 ? "—" : wording(finish));
            row.put("red", red);
            lanes.add(row);
            if (red) {
                problems.add(label + "·" + LANES.get(lane) + "预计" + wording(finish));
            }
        }
        out.put("depth", ahead);
        out.put("lanes", lanes);
        return out;
    }

    /** How long {@code messages} take at {@code rate} a second: none unpaced, a day when paused (never "now"). */
    static Duration finish(long messages, double rate) {
        if (Double.isInfinite(rate)) {
            return Duration.ZERO;
        }
        if (rate <= 0) {
            return Duration.ofDays(1);
        }
        return Duration.ofMillis((long) Math.ceil(messages / rate * 1000));
    }

    /** A finish estimate as the broadcast's SMS words it ({@link SendingTime#wording}). */
    static String wording(Duration d) {
        Map<String, String> w = SendingTime.wording(d);
        if (w.containsKey("minutes")) {
            return "约" + w.get("minutes") + "分钟发完";
        }
        if (w.containsKey("hours")) {
            return "约" + w.get("hours") + "小时发完";
        }
        return "约1分钟内发完";
    }

    /** 10, 9.8, 0.001: the rate as configured, without trailing zeros. */
    private static String trim(double rate) {
        return new java.math.BigDecimal(rate).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** A dead letter as the page shows it: when, which channel and lane, to whom (masked), why. */
    private Map<String, Object> deadLetter(Map<String, Object> letter) {
        Map<String, Object> out = new LinkedHashMap<>();
        String at = String.valueOf(letter.getOrDefault("at", ""));
        try {
            out.put("at", SHORT.format(Instant.parse(at).atZone(day.zone())));
        } catch (DateTimeParseException e) {
            out.put("at", at);
        }
        out.put("lane", laneOf(String.valueOf(letter.getOrDefault("stream", ""))));
        out.put("to", Phone.maskNumbers(String.valueOf(letter.getOrDefault("to", "?"))));
        out.put("id", String.valueOf(letter.getOrDefault("id", "?")));
        out.put("reason", Phone.maskNumbers(String.valueOf(letter.getOrDefault("reason", ""))));
        out.put("deliveries", letter.getOrDefault("deliveries", 0));
        return out;
    }

    /** {@code sh:out:sms:bulk:…} as 短信·群发; the stream of earlier versions as it is named. */
    private static String laneOf(String stream) {
        String[] p = stream.split(":");
        if (p.length >= 4 && p[1].equals("out")) {
            String lane = java.util.Arrays.stream(Lane.values()).filter(l -> l.key().equals(p[3])).map(LANES::get)
                    .findFirst().orElse(p[3]);
            return CHANNELS.getOrDefault(p[2], p[2]) + "·" + lane;
        }
        return stream;
    }
}
