package org.shouhu.gateway.store.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A node's liveness in Redis: {@code sh:node:{nodeId}} holds the node's incarnation (a random token
 * per start) with a short real-time TTL, refreshed on its own daemon thread and deleted on a clean
 * stop, so other nodes take over a dead node's outbox entries, event leases and ladder claims within
 * seconds instead of waiting out their timeouts. Liveness is about real time, so Redis's own TTL is
 * right here, not the gateway's (possibly simulated) clock.
 */
public final class NodeLiveness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLiveness.class);
    /** How long a node counts as alive after its last beat. */
    public static final Duration TTL = Duration.ofSeconds(10);
    /** How often a node beats: several beats fit in one TTL, so one slow beat loses nothing. */
    public static final Duration EVERY = Duration.ofSeconds(2);

    /** Deletes the key only while it still names this incarnation. KEYS: the node key; ARGV: incarnation. */
    private static final String FORGET = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    /**
     * The Lua a script includes to ask whether a holder ({@code {incarnation}/{nodeId}}, as
     * {@link #holder()} writes it) is dead: its node key is gone or names another incarnation. A
     * holder without that form (written before liveness existed) is never judged dead here: its
     * timeout decides. The script's {@code ARGV} must not be shadowed; the key prefix is passed in.
     */
    static final String DEAD_FUNCTION = """
            local function holder_dead(holder, prefix)
              if not holder then return false end
              local inc, id = string.match(holder, '^([^/]+)/(.+)$')
              if not id then return false end
              return redis.call('GET', prefix .. id) ~= inc
            end
            """;

    private final UnifiedJedis redis;
    private final String nodeId;
    private final String incarnation = UUID.randomUUID().toString().substring(0, 8);
    private final Duration ttl;
    private final ScheduledExecutorService beats;

    private NodeLiveness(UnifiedJedis redis, String nodeId, Duration ttl, Duration every) {
        if (nodeId.isEmpty()) {
            throw new IllegalArgumentException("a node id is needed for liveness");
        }
        this.redis = redis;
        this.nodeId = nodeId;
        this.ttl = ttl;
        beat(); // alive before any work is claimed under this name
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-liveness");
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(this::beatQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts beating for {@code nodeId} (the default TTL and rate). */
    public static NodeLiveness start(UnifiedJedis redis, String nodeId) {
        return start(redis, nodeId, TTL, EVERY);
    }

    /** As above with another TTL and rate (tests shorten them). */
    static NodeLiveness start(UnifiedJedis redis, String nodeId, Duration ttl, Duration every) {
        return new NodeLiveness(redis, nodeId, ttl, every);
    }

    public String nodeId() {
        return nodeId;
    }

    /** How this node signs what it holds (leases, claims): {@code {incarnation}/{nodeId}}. */
    public String holder() {
        return incarnation + "/" + nodeId;
    }

    /** This start's token (eight hex digits), the value of the node's key while it runs. */
    String incarnation() {
        return incarnation;
    }

    /** Whether any incarnation of {@code nodeId} is alive. */
    public boolean alive(String otherNodeId) {
        return redis.exists(Keys.node(otherNodeId));
    }

    private void beat() {
        redis.set(Keys.node(nodeId), incarnation, SetParams.setParams().px(ttl.toMillis()));
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("node {} could not renew its liveness: {}", nodeId, e.toString());
        }
    }

    /** Stops beating and deletes the key: a node that stopped cleanly holds nothing. */
    @Override
    public void close() {
        beats.shutdownNow();
        try {
            redis.eval(FORGET, List.of(Keys.node(nodeId)), List.of(incarnation));
        } catch (RuntimeException e) {
            LOG.warn("node {} could not delete its liveness key (it expires in {}): {}", nodeId, ttl, e.toString());
        }
    }
}
