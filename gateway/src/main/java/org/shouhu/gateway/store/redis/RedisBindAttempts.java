package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.shouhu.routes.port.BindAttempts;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * {@link BindAttempts} in Redis: the account's lock {@code sh:once:bind-lock:{account}}, the pause
 * {@code sh:once:bind-paused}, and hourly counters {@code sh:rate:bind-fail:{account}:{window}} and
 * {@code sh:rate:bind-fail:all:{window}}; each step is one script, so nodes and threads share it.
 */
public final class RedisBindAttempts implements BindAttempts {

    static final String PAUSED = "bind-paused";

    /** KEYS: lock, pause, account counter; ARGV: limit, window ms. Returns -1 locked, -2 paused, else the tries used. */
    private static final String TAKE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
            if redis.call('EXISTS', KEYS[2]) == 1 then return -2 end
            local n = redis.call('INCR', KEYS[3])
            if n == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
            if n > tonumber(ARGV[1]) then
              redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
              return -1
            end
            return n""";

    private static final String GIVE_BACK = """
            local n = tonumber(redis.call('GET', KEYS[1]) or '0')
            if n > 0 then redis.call('DECR', KEYS[1]) end
            return 0""";

    /** KEYS: lock, pause, city counter; ARGV: used, limit, city limit, window ms. Returns 1 when this call started the pause. */
    private static final String WRONG = """
            if tonumber(ARGV[1]) >= tonumber(ARGV[2]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[4]) end
            local n = redis.call('INCR', KEYS[3])
            if n == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
            if n >= tonumber(ARGV[3]) and redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[4]) then return 1 end
            return 0""";

    private final UnifiedJedis redis;
    private final Clock clock;

    public RedisBindAttempts(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public Try take(String account, int limit, Duration window) {
        long n = (Long) redis.eval(TAKE, List.of(lock(account), Keys.once(PAUSED), counter(account, window)),
                List.of(String.valueOf(limit), String.valueOf(window.toMillis())));
        if (n == -1) {
            return new Try(Verdict.LOCKED, limit);
        }
        return n == -2 ? new Try(Verdict.PAUSED, 0) : new Try(Verdict.ALLOWED, n);
    }

    @Override
    public void giveBack(String account, Duration window) {
        redis.eval(GIVE_BACK, List.of(counter(account, window)), List.of());
    }

    @Override
    public boolean wrong(String account, long used, int limit, int cityLimit, Duration window) {
        Object started = redis.eval(WRONG, List.of(lock(account), Keys.once(PAUSED), counter("all", window)),
                List.of(String.valueOf(used), String.valueOf(limit), String.valueOf(cityLimit),
                        String.valueOf(window.toMillis())));
        return Long.valueOf(1).equals(started);
    }

    @Override
    public boolean firstPauseNotice(String phone, Duration window) {
        return "OK".equals(redis.set(Keys.once(PAUSED + "-told:" + phone), "1",
                SetParams.setParams().nx().px(window.toMillis())));
    }

    private static String lock(String account) {
        return Keys.once("bind-lock:" + account);
    }

    private String counter(String account, Duration window) {
        return Keys.rate("bind-fail:" + account, clock.millis() / window.toMillis());
    }
}
