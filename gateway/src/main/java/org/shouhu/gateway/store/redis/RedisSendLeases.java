package org.shouhu.gateway.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.shouhu.routes.port.Once;
import redis.clients.jedis.UnifiedJedis;

/**
 * The send leases of redelivered messages ({@link Once} over {@code sh:once:sending:{id}}), signed
 * with this node's {@link NodeLiveness#holder()}: a lease whose node died is taken over at once
 * rather than after its ten minutes, so a retry, a throttled message or a quiet-hours hold that a
 * killed node had in hand goes out within seconds of its death, like the rest of its outbox entries.
 */
public final class RedisSendLeases implements Once {

    /** KEYS: the leases; ARGV: holder, ttl ms, node key prefix. Returns the indexes (1-based) taken. */
    private static final String TAKE = NodeLiveness.DEAD_FUNCTION + """
            local taken = {}
            for i, key in ipairs(KEYS) do
              if redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2]) then
                taken[#taken + 1] = i
              elseif holder_dead(redis.call('GET', key), ARGV[3]) then
                redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
                taken[#taken + 1] = i
              end
            end
            return taken""";

    private final UnifiedJedis redis;
    private final RedisCounters keys;
    private final String holder;

    /** Leases in the same keys as {@code keys} (a lease of an older node is one of its {@code 1}s), signed for {@code liveness}. */
    public RedisSendLeases(UnifiedJedis redis, RedisCounters keys, NodeLiveness liveness) {
        this.redis = redis;
        this.keys = keys;
        this.holder = liveness.holder();
    }

    @Override
    public boolean first(String key, Duration ttl) {
        return !firstOf(List.of(key), ttl).isEmpty();
    }

    @Override
    public Set<String> firstOf(Collection<String> keys, Duration ttl) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        List<String> asked = List.copyOf(keys);
        List<String> redisKeys = new ArrayList<>(asked.size());
        asked.forEach(k -> redisKeys.add(Keys.once(k)));
        List<?> taken = (List<?>) redis.eval(TAKE, redisKeys, List.of(holder, String.valueOf(ttl.toMillis()), Keys.node("")));
        Set<String> mine = new HashSet<>();
        for (Object i : taken) {
            mine.add(asked.get(((Long) i).intValue() - 1));
        }
        return mine;
    }

    @Override
    public boolean seen(String key) {
        return keys.seen(key);
    }

    @Override
    public void forget(String key) {
        keys.forget(key);
    }
}
