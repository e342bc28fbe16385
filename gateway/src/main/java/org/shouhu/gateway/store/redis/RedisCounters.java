package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.RateLimiter;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** Keys that expire: "act once" markers ({@code SET NX EX}) and fixed-window counters, shared by all nodes. */
public final class RedisCounters implements Once, RateLimiter {

    private static final String COUNT = "local n = redis.call('INCR', KEYS[1]) "
            + "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

    private final UnifiedJedis redis;
    private final Clock clock;

    public RedisCounters(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public boolean first(String key, Duration ttl) {
        return "OK".equals(redis.set(Keys.once(key), "1", SetParams.setParams().nx().px(ttl.toMillis())));
    }

    @Override
    public Set<String> firstOf(Collection<String> keys, Duration ttl) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        List<String> asked = List.copyOf(keys);
        SetParams nx = SetParams.setParams().nx().px(ttl.toMillis());
        List<String> answers = Pipelined.each(redis, asked, (p, key) -> p.set(Keys.once(key), "1", nx));
        Set<String> first = new HashSet<>();
        for (int i = 0; i < asked.size(); i++) {
            if ("OK".equals(answers.get(i))) {
                first.add(asked.get(i));
            }
        }
        return first;
    }

    @Override
    public boolean seen(String key) {
        return redis.exists(Keys.once(key));
    }

    @Override
    public void forget(String key) {
        redis.del(Keys.once(key));
    }

    @Override
    public long increment(String key, Duration window) {
        return (Long) redis.eval(COUNT, List.of(counter(key, window)), List.of(String.valueOf(window.toMillis())));
    }

    /** The counter of {@code key} for the current fixed window. */
    private String counter(String key, Duration window) {
        return Keys.rate(key, clock.millis() / window.toMillis());
    }
}
