package org.shouhu.gateway.store.redis;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.shouhu.routes.model.Phone;
import redis.clients.jedis.UnifiedJedis;

/**
 * The console's one-time login codes in Redis: {@code sh:login:{phone}} holds the code's hash and the
 * wrong tries (it expires with the code), {@code sh:login:sent:{phone}} the codes sent this hour; each
 * step is one script, so every node sees the same code, the same tries and the same limits.
 */
public final class RedisLoginCodes {

    /** How long a code may be used. */
    public static final Duration VALID = Duration.ofMinutes(5);
    /** Wrong tries a code takes before it is void. */
    public static final int TRIES = 5;
    /** Codes a phone may be sent an hour. */
    public static final int PER_HOUR = 5;
    /** How long after a code the next may be sent. */
    public static final Duration GAP = Duration.ofSeconds(60);

    /** What asking for a code came to: sent (with the code to text), or refused for so many seconds. */
    public record Issue(String code, long waitSeconds) {
        public boolean sent() {
            return code != null;
        }
    }

    /** How a code was taken. */
    public enum Check { OK, WRONG, VOID }

    /** KEYS: code, hour count; ARGV: hash, valid ms, per hour, gap ms, now ms. Returns 0 sent, else seconds to wait. */
    private static final String ISSUE = """
            local last = tonumber(redis.call('HGET', KEYS[1], 'at') or '0')
            local wait = last + tonumber(ARGV[4]) - tonumber(ARGV[5])
            if wait > 0 then return math.ceil(wait / 1000) end
            local n = tonumber(redis.call('GET', KEYS[2]) or '0')
            if n >= tonumber(ARGV[3]) then return math.max(1, math.ceil(redis.call('PTTL', KEYS[2]) / 1000)) end
            redis.call('INCR', KEYS[2])
            if n == 0 then redis.call('PEXPIRE', KEYS[2], 3600000) end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'tries', 0, 'at', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 0""";

    /** KEYS: code; ARGV: hash, tries. Returns 1 ok (the code is gone), 0 wrong, -1 void (none, used, or too many tries). */
    private static final String CHECK = """
            local h = redis.call('HGET', KEYS[1], 'hash')
            if not h then return -1 end
            if tonumber(redis.call('HGET', KEYS[1], 'tries')) >= tonumber(ARGV[2]) then return -1 end
            if h == ARGV[1] then
              redis.call('HDEL', KEYS[1], 'hash')
              return 1
            end
            redis.call('HINCRBY', KEYS[1], 'tries', 1)
            return 0""";

    private final UnifiedJedis redis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RedisLoginCodes(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** A new six-digit code for the phone, replacing any earlier one, unless the phone had one too recently or too often. */
    public Issue issue(Phone phone) {
        String code = String.format("%06d", random.nextInt(1_000_000));
        long wait = (Long) redis.eval(ISSUE, List.of(key(phone), Keys.PREFIX + "login:sent:" + phone.e164()),
                List.of(hash(phone, code), String.valueOf(VALID.toMillis()), String.valueOf(PER_HOUR),
                        String.valueOf(GAP.toMillis()), String.valueOf(clock.millis())));
        return wait == 0 ? new Issue(code, 0) : new Issue(null, wait);
    }

    /** Takes the code: right once (then it is used up), wrong (a try spent), or void. */
    public Check check(Phone phone, String code) {
        long r = (Long) redis.eval(CHECK, List.of(key(phone)), List.of(hash(phone, code.strip()), String.valueOf(TRIES)));
        return r == 1 ? Check.OK : r == 0 ? Check.WRONG : Check.VOID;
    }

    private static String key(Phone phone) {
        return Keys.PREFIX + "login:" + phone.e164();
    }

    /** Codes are kept hashed with their phone, so a copy of Redis does not hand out live codes. */
    private static String hash(Phone phone, String code) {
        return TokenHash.of(phone.e164() + ":" + code);
    }
}
