package org.shouhu.gateway.store.redis;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.port.AuditLog;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The audit log as the Redis stream {@code sh:audit}: one entry per admin change (who, at, what,
 * status), appended with {@code XADD} and never trimmed; it names children by id and phones only
 * masked, so erasing a child leaves nothing of it here.
 */
public final class RedisAuditLog implements AuditLog {

    private final UnifiedJedis redis;

    public RedisAuditLog(UnifiedJedis redis) {
        this.redis = redis;
    }

    static String key() {
        return Keys.PREFIX + "audit";
    }

    @Override
    public void append(String who, Instant at, String what, int status) {
        redis.xadd(key(), XAddParams.xAddParams(), Map.of("who", who, "at", at.toString(), "what", what,
                "status", String.valueOf(status)));
    }

    @Override
    public List<Entry> latest(int limit) {
        List<StreamEntry> entries = redis.xrevrange(key(), "+", "-", limit);
        return entries.stream().map(e -> new Entry(e.getID().toString(), Instant.parse(e.getFields().get("at")),
                e.getFields().get("who"), e.getFields().get("what"), Integer.parseInt(e.getFields().get("status")))).toList();
    }
}
