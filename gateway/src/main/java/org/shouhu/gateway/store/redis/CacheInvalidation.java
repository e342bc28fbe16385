package org.shouhu.gateway.store.redis;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Tells every node which cached entries a write made stale, over Redis pub/sub on
 * {@code sh:invalidate}: a node publishes the entries it wrote, and each node's listener drops them
 * from its caches, so a removed staff member or guardian is neither obeyed nor told anything
 * anywhere within a round trip. While the listener is away (Redis restarting) a node drops all it
 * cached when it is back; the caches' own 10 s expiry is the floor either way.
 */
public final class CacheInvalidation implements AutoCloseable {

    /** The channel every node listens on. */
    public static final String CHANNEL = Keys.PREFIX + "invalidate";
    /** An entry that drops everything. */
    public static final String ALL = "*";
    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidation.class);

    private final UnifiedJedis redis;
    private final Consumer<String> drop;
    private final Listener listener = new Listener();
    private final Thread thread;
    private volatile boolean closed;

    private CacheInvalidation(UnifiedJedis redis, Consumer<String> drop) {
        this.redis = redis;
        this.drop = drop;
        this.thread = new Thread(this::listen, "cache-invalidation");
        thread.setDaemon(true);
    }

    /** Listens for entries on {@link #CHANNEL} and hands each to {@code drop} ({@link #ALL} for everything). */
    static CacheInvalidation listen(UnifiedJedis redis, Consumer<String> drop) {
        CacheInvalidation invalidation = new CacheInvalidation(redis, drop);
        invalidation.thread.start();
        return invalidation;
    }

    /** Tells every node (this one included, once it listens) to drop these entries. */
    static void publish(UnifiedJedis redis, String entry) {
        redis.publish(CHANNEL, entry);
    }

    /** Whether the listener is subscribed now (tests wait for it before they count on it). */
    public boolean isListening() {
        return listener.isSubscribed();
    }

    private void listen() {
        boolean first = true;
        while (!closed) {
            try {
                if (!first) {
                    drop.accept(ALL); // entries published while we were away are lost: drop everything
                }
                first = false;
                redis.subscribe(listener, CHANNEL);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("cache invalidation listener lost Redis ({}); caches expire in 10 s meanwhile, retrying", e.toString());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (listener.isSubscribed()) {
                listener.unsubscribe();
            }
        } catch (RuntimeException e) {
            LOG.debug("cache invalidation listener did not unsubscribe cleanly: {}", e.toString());
        }
        thread.interrupt();
    }

    private final class Listener extends JedisPubSub {
        @Override
        public void onMessage(String channel, String message) {
            drop.accept(message);
        }
    }
}
