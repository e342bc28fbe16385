package org.shouhu.gateway.pacing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.shouhu.routes.port.Pacer;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link Pacer} in Redis, shared by every node: each sending identity of a paced channel has its
 * theoretical arrival time (GCRA, no burst) in the hash {@code sh:pace:{channel}}, and one script
 * per slot picks the identity free earliest, gives its slot and moves it on by its interval; an
 * account cap ({@code sh:pace:account:{account}}) is one more arrival time every slot must pass.
 * When a slot has come, {@link #start} holds the identity to its rate as its calls really start
 * (the list {@code sh:pace:{channel}:started:{identity}}): its last n calls, n its rate a second
 * rounded up, must span n intervals, so a slot kept late cannot bunch with the ones after it in a
 * provider's one-second window; a node's first call on an identity counts as started
 * {@link #COLD_CALL} later, for it runs cold; a call let go late moves the identity's next slot on, so
 * the calls after it are spaced, not bunched to catch up. A throttle puts the identity's next slot past the provider's {@code Retry-After}. An isolated
 * one does nothing more: a provider that counts arrivals in a strict window throttles now and then
 * from network jitter alone. A second within {@link #SLOW_FOR} (a second or more after the first)
 * says the rate is too high for the provider: the identity goes a fifth slower for {@link #SLOW_FOR},
 * and a fifth slower again on each later throttle, down to 1/{@link #MAX_DIVISOR}. (The first
 * version halved the rate on every 429 and compounded to 1/16, which took a 10 msg/s number to
 * 0.6 msg/s for minutes.) Time is the gateway's clock (with {@code SHOUHU_CLOCK=system}
 * Redis's, so all nodes agree), in microseconds. A channel not named is unpaced and costs no round trip.
 */
public final class RedisPacer implements Pacer {

    /** How long a throttled identity goes slower. */
    static final Duration SLOW_FOR = Duration.ofSeconds(60);
    /** How much slower each throttle makes an identity (its rate over this, compounding). */
    static final double SLOWER_BY = 1.25;
    /** The most a throttled identity is slowed down (its rate over this). */
    static final double MAX_DIVISOR = 4;
    /** A throttle without {@code Retry-After} pauses the identity this long (its message waits longer, in SendFailures). */
    static final Duration PAUSE_WITHOUT_RETRY_AFTER = Duration.ofSeconds(1);
    /** The longest pause a {@code Retry-After} gets here (as SendFailures clamps its message's wait). */
    static final Duration MAX_PAUSE = Duration.ofMinutes(10);
    /** A batch read is about this much of the channel's slots. */
    static final Duration BATCH_SPAN = Duration.ofMillis(200);
    /** The largest batch a paced channel reads. */
    static final int MAX_BATCH = 50;
    /** The field that stands for a channel's default identity (a null sender). */
    static final String DEFAULT_SENDER = "-";
    private static final long KEEP_MS = Duration.ofDays(1).toMillis();
    /**
     * How much later than it was let go a node's first call on an identity counts as started: it runs
     * cold (classes loading, a new connection; over TLS to the provider a handshake) and can reach the
     * provider that much late, bunching with the calls after it. Seen in the benchmark: a node started
     * again after kill -9 sent its first two calls 51 ms apart at the provider, and the eleventh was
     * the one too many in a second.
     */
    public static final Duration COLD_CALL = Duration.ofMillis(500);

    /**
     * KEYS: channel hash, account hash. ARGV: now µs, interval µs, account interval µs (0: none),
     * keep ms, identities…. Fields per identity: {@code t:} arrival time, {@code s:} slow until,
     * {@code d:} divisor, {@code l:} last throttle. Returns {identity, slot µs}.
     */
    private static final String RESERVE = """
            local now = tonumber(ARGV[1])
            local base = tonumber(ARGV[2])
            local best, bestAt, bestInterval
            for i = 5, #ARGV do
              local id = ARGV[i]
              local v = redis.call('HMGET', KEYS[1], 't:' .. id, 's:' .. id, 'd:' .. id)
              local at = math.max(tonumber(v[1]) or 0, now)
              if best == nil or at < bestAt then
                local interval = base
                if v[2] and tonumber(v[2]) > now then interval = base * (tonumber(v[3]) or 1) end
                best, bestAt, bestInterval = id, at, interval
              end
            end
            local account = tonumber(ARGV[3])
            if account > 0 then
              bestAt = math.max(bestAt, tonumber(redis.call('HGET', KEYS[2], 't') or '0'))
              redis.call('HSET', KEYS[2], 't', string.format('%.0f', bestAt + account))
              redis.call('PEXPIRE', KEYS[2], ARGV[4])
            end
            redis.call('HSET', KEYS[1], 't:' .. best, string.format('%.0f', bestAt + bestInterval))
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return {best, string.format('%.0f', bestAt)}""";

    /**
     * KEYS: channel hash, the identity's list of call starts. ARGV: now µs, interval µs, identity,
     * keep ms, the µs this call counts as started at, its rate a second. The identity's last n calls
     * (n: its rate a second, over its divisor while it is slowed, rounded up) must have started at
     * least n of its intervals ago, and a second ago when its rate is a call a second or more: then
     * this call is pushed as started, the identity's next slot is put at least an interval after now,
     * and nil returned; else nothing is written and the µs (rounded up) when the oldest of them is that old.
     */
    private static final String START = """
            local now = tonumber(ARGV[1])
            local base = tonumber(ARGV[2])
            local id = ARGV[3]
            local rate = tonumber(ARGV[6])
            local v = redis.call('HMGET', KEYS[1], 's:' .. id, 'd:' .. id)
            local divisor = 1
            if v[1] and tonumber(v[1]) > now then divisor = tonumber(v[2]) or 1 end
            local interval = base * divisor
            local kept = math.max(1, math.ceil(rate - 0.000001))
            local n = math.max(1, math.ceil(rate / divisor - 0.000001))
            local window = math.max(n * interval, 1000000)
            local nth = tonumber(redis.call('LINDEX', KEYS[2], n - 1))
            if nth and now - nth < window then
              return string.format('%.0f', math.ceil(nth + window))
            end
            local t = tonumber(redis.call('HGET', KEYS[1], 't:' .. id) or '0')
            if t < now + interval then -- a call let go late moves the slots after it on: no burst to catch up
              redis.call('HSET', KEYS[1], 't:' .. id, string.format('%.0f', math.ceil(now + interval)))
              redis.call('PEXPIRE', KEYS[1], ARGV[4])
            end
            redis.call('LPUSH', KEYS[2], ARGV[5])
            redis.call('LTRIM', KEYS[2], 0, kept - 1)
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return false""";

    /** KEYS: channel hash. ARGV: now µs, identity, pause µs, slow-for µs, max divisor, keep ms, slower by. */
    private static final String THROTTLED = """
            local now = tonumber(ARGV[1])
            local id = ARGV[2]
            local v = redis.call('HMGET', KEYS[1], 't:' .. id, 's:' .. id, 'd:' .. id, 'l:' .. id)
            local by = tonumber(ARGV[7])
            local since = v[4] and (now - tonumber(v[4])) or nil
            local div = nil
            if v[2] and tonumber(v[2]) > now then
              div = tonumber(v[3]) or by
              if since and since >= 1000000 then div = math.min(div * by, tonumber(ARGV[5])) end
            elseif since and since >= 1000000 and since < tonumber(ARGV[4]) then
              div = by
            end
            local at = math.max(tonumber(v[1]) or 0, now + tonumber(ARGV[3]))
            redis.call('HSET', KEYS[1], 't:' .. id, string.format('%.0f', at))
            if not since or since >= 1000000 then -- the 429s of one moment (a batch in flight) are one throttle
              redis.call('HSET', KEYS[1], 'l:' .. id, string.format('%.0f', now))
            end
            if div then
              redis.call('HSET', KEYS[1], 's:' .. id, string.format('%.0f', now + tonumber(ARGV[4])),
                'd:' .. id, string.format('%.4f', div))
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return tostring(div or 1)""";

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Map<String, PacedChannel> channels;
    /** The identities this node has made a call on ("channel identity"): its later calls are not cold. */
    private final Set<String> warm = ConcurrentHashMap.newKeySet();
    private final Duration coldCall;

    /** Paces the channels named in {@code channels}; every other channel is unpaced. */
    public RedisPacer(UnifiedJedis redis, Clock clock, Map<String, PacedChannel> channels) {
        this(redis, clock, channels, COLD_CALL);
    }

    /** With a node's first call on an identity counted as started {@code coldCall} late (tests of exact slots: zero). */
    RedisPacer(UnifiedJedis redis, Clock clock, Map<String, PacedChannel> channels, Duration coldCall) {
        this.redis = redis;
        this.clock = clock;
        this.channels = Map.copyOf(channels);
        this.coldCall = coldCall;
    }

    @Override
    public Slot reserve(String channel) {
        PacedChannel paced = channels.get(channel);
        if (paced == null) {
            return UNPACED.reserve(channel);
        }
        List<String> args = new ArrayList<>(4 + paced.senders().size());
        args.add(Long.toString(micros(clock.instant())));
        args.add(Long.toString(interval(paced.perSender())));
        args.add(Long.toString(paced.accountRate() > 0 ? interval(paced.accountRate()) : 0));
        args.add(Long.toString(KEEP_MS));
        paced.senders().forEach(s -> args.add(field(s)));
        List<?> slot = (List<?>) redis.eval(RESERVE, List.of(key(channel), accountKey(paced)), args);
        String sender = String.valueOf(slot.get(0));
        long at = Long.parseLong(String.valueOf(slot.get(1)));
        return new Slot(DEFAULT_SENDER.equals(sender) ? null : sender, Instant.EPOCH.plus(at, ChronoUnit.MICROS));
    }

    @Override
    public Instant start(String channel, String sender) {
        PacedChannel paced = channels.get(channel);
        if (paced == null) {
            return UNPACED.start(channel, sender);
        }
        String identity = channel + " " + field(sender);
        long now = micros(clock.instant());
        long countedAt = warm.contains(identity) ? now : now + coldCall.toNanos() / 1000;
        Object again = redis.eval(START, List.of(key(channel), startsKey(channel, sender)), List.of(
                Long.toString(now), Long.toString(interval(paced.perSender())), field(sender),
                Long.toString(KEEP_MS), Long.toString(countedAt), Double.toString(paced.perSender())));
        if (again == null) {
            warm.add(identity);
            return null;
        }
        long at = Math.max(Long.parseLong(String.valueOf(again)), now + 1); // later than now: a stopped clock moves on
        return Instant.EPOCH.plus(at, ChronoUnit.MICROS);
    }

    @Override
    public void throttled(String channel, String sender, Duration retryAfter) {
        PacedChannel paced = channels.get(channel);
        if (paced == null) {
            return;
        }
        Duration pause = retryAfter == null || retryAfter.isNegative() || retryAfter.isZero() ? PAUSE_WITHOUT_RETRY_AFTER
                : retryAfter.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : retryAfter;
        redis.eval(THROTTLED, List.of(key(channel)), List.of(Long.toString(micros(clock.instant())), field(sender),
                Long.toString(pause.toNanos() / 1000), Long.toString(SLOW_FOR.toNanos() / 1000),
                Double.toString(MAX_DIVISOR), Long.toString(KEEP_MS), Double.toString(SLOWER_BY)));
    }

    @Override
    public int batchSize(String channel) {
        if (!channels.containsKey(channel)) {
            return UNPACED.batchSize(channel);
        }
        double slots = rate(channel) * BATCH_SPAN.toNanos() / 1e9;
        return (int) Math.max(1, Math.min(MAX_BATCH, Math.round(slots)));
    }

    /** The configured rate of each identity over its divisor while it is slowed down, summed; at most the account's cap. */
    @Override
    public double rate(String channel) {
        PacedChannel paced = channels.get(channel);
        if (paced == null) {
            return UNPACED.rate(channel);
        }
        String[] fields = new String[paced.senders().size() * 2];
        for (int i = 0; i < paced.senders().size(); i++) {
            fields[2 * i] = "s:" + field(paced.senders().get(i));
            fields[2 * i + 1] = "d:" + field(paced.senders().get(i));
        }
        List<String> values = redis.hmget(key(channel), fields);
        long now = micros(clock.instant());
        double rate = 0;
        for (int i = 0; i < paced.senders().size(); i++) {
            String slowUntil = values.get(2 * i);
            boolean slow = slowUntil != null && Long.parseLong(slowUntil) > now;
            rate += slow ? paced.perSender() / Double.parseDouble(values.get(2 * i + 1)) : paced.perSender();
        }
        return paced.accountRate() > 0 ? Math.min(rate, paced.accountRate()) : rate;
    }

    @Override
    public boolean paces(String channel) {
        return channels.containsKey(channel);
    }

    /** The hash of a channel's identities. */
    static String key(String channel) {
        return "sh:pace:" + channel;
    }

    /** The list of when an identity's last calls started (µs, newest first). */
    static String startsKey(String channel, String sender) {
        return key(channel) + ":started:" + field(sender);
    }

    private static String accountKey(PacedChannel paced) {
        return "sh:pace:account:" + (paced.account() == null ? "-" : paced.account());
    }

    private static String field(String sender) {
        return sender == null ? DEFAULT_SENDER : sender;
    }

    /** Microseconds between slots at {@code perSecond}. */
    private static long interval(double perSecond) {
        return Math.max(1, Math.round(1_000_000 / perSecond));
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }
}
