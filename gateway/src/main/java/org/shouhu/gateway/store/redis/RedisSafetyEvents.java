package org.shouhu.gateway.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.SafetyEvents;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Timed events' leases in Redis, one string per event ({@code sh:once:event:{EVENT}:{site}:{date}}):
 * {@code {until}/{node}} while a node holds it (until: ms of the gateway's clock, so a simulated
 * clock moves it too; node: {@link NodeLiveness#holder()}, and a lease whose node is dead counts as
 * run out at once), {@code done} once fired to the end. The key itself expires after three
 * days, only to clean up. An event's own messages are queued with {@link RedisMessages#enqueueOnce}
 * under the marker {@code …:queued}, in the transaction that writes {@code done}.
 */
public final class RedisSafetyEvents implements SafetyEvents {

    /** Long enough to outlast any Redis key a site's events read; short enough to catch a day's events. */
    private static final Duration KEEP = Duration.ofDays(3);
    private static final String DONE = "done";

    /**
     * Leases each event not done whose lease ran out (or never was), answering per key {@code DONE},
     * {@code BUSY} or {@code OURS}. A lease written by a node of the last version ({@code 1}, held three
     * days, set before it fired) counts as done: that node fired it. A lease held by a node
     * whose liveness key is gone has run out. KEYS: the events; ARGV: now, until, node, keep (ms), node key prefix.
     */
    private static final String LEASE = NodeLiveness.DEAD_FUNCTION + """
            local out = {}
            for i, key in ipairs(KEYS) do
              local v = redis.call('GET', key)
              local held = v and tonumber(string.match(v, '^(%d+)/'))
              if v == 'done' or (v and not held) then out[i] = 'DONE'
              elseif held and held > tonumber(ARGV[1])
                  and not holder_dead(string.match(v, '^%d+/(.*)$'), ARGV[5]) then out[i] = 'BUSY'
              else
                redis.call('SET', key, ARGV[2] .. '/' .. ARGV[3], 'PX', ARGV[4])
                out[i] = 'OURS'
              end
            end
            return out""";

    /** Deletes a lease only if this node holds it (never a done mark or another's lease). KEYS: the event; ARGV: '/' .. node. */
    private static final String RELEASE = """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, -#ARGV[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private final UnifiedJedis redis;
    private final RedisMessages outbox;
    /** Names this node's leases, so it lets go of its own only (and others see when its node died). */
    private final String node;

    /** Leases signed with a random name, judged by their timeout only (no liveness). */
    public RedisSafetyEvents(UnifiedJedis redis, RedisMessages outbox) {
        this(redis, outbox, UUID.randomUUID().toString());
    }

    /** Leases signed by this node's liveness: when the node dies, another takes its leases at once. */
    public RedisSafetyEvents(UnifiedJedis redis, RedisMessages outbox, NodeLiveness liveness) {
        this(redis, outbox, liveness.holder());
    }

    private RedisSafetyEvents(UnifiedJedis redis, RedisMessages outbox, String node) {
        this.redis = redis;
        this.outbox = outbox;
        this.node = node;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Map<String, Lease> lease(Collection<String> events, Instant now, Duration visibility) {
        if (events.isEmpty()) {
            return Map.of();
        }
        List<String> asked = List.copyOf(events);
        List<String> keys = new ArrayList<>(asked.size());
        asked.forEach(e -> keys.add(Keys.once(e)));
        List<String> answers = (List<String>) redis.eval(LEASE, keys, List.of(String.valueOf(now.toEpochMilli()),
                String.valueOf(now.plus(visibility).toEpochMilli()), node, String.valueOf(KEEP.toMillis()), Keys.node("")));
        Map<String, Lease> leases = new LinkedHashMap<>();
        for (int i = 0; i < asked.size(); i++) {
            leases.put(asked.get(i), Lease.valueOf(answers.get(i)));
        }
        return leases;
    }

    @Override
    public void finish(String event) {
        redis.set(Keys.once(event), DONE, SetParams.setParams().px(KEEP.toMillis()));
    }

    @Override
    public Optional<List<OutboundMessage>> queueAndFinish(String event, List<OutboundMessage> messages) {
        Optional<List<OutboundMessage>> queued = outbox.enqueueOnce(Keys.eventQueued(event), messages,
                (tx, ids) -> {
                    tx.set(Keys.once(event), DONE, SetParams.setParams().px(KEEP.toMillis()));
                    tx.pexpire(Keys.eventQueued(event), KEEP.toMillis()); // matters as long as the lease does
                });
        if (queued.isEmpty()) {
            finish(event); // queued before, by a try whose reply was lost: it is done
        }
        return queued;
    }

    @Override
    public void release(String event) {
        redis.eval(RELEASE, List.of(Keys.once(event)), List.of("/" + node));
    }
}
