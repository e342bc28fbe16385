package org.shouhu.gateway.store.redis;

import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.model.Phone;
import redis.clients.jedis.UnifiedJedis;

/** The city's administrators (who see every county in the console), as the hash {@code sh:city-admins}: phone → name. */
public final class RedisCityAdmins {

    private static final String KEY = Keys.PREFIX + "city-admins";

    private final UnifiedJedis redis;

    public RedisCityAdmins(UnifiedJedis redis) {
        this.redis = redis;
    }

    public void put(Phone phone, String name) {
        redis.hset(KEY, phone.e164(), name);
    }

    /** Whether the phone was a city admin. */
    public boolean remove(Phone phone) {
        return redis.hdel(KEY, phone.e164()) > 0;
    }

    public Optional<String> name(Phone phone) {
        return Optional.ofNullable(redis.hget(KEY, phone.e164()));
    }

    public Map<String, String> all() {
        return redis.hgetAll(KEY);
    }
}
