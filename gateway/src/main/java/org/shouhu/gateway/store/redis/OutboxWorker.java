package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Reads message ids from the outbox stream as one consumer of the group {@code senders} and hands
 * each to the outbound route; acknowledges an entry only after the route is done with it. Due
 * retries move from the delayed set back into the stream; entries a crashed node left unacked
 * are claimed after a minute. Several threads and several nodes share the work.
 */
public final class OutboxWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);
    static final String GROUP = "senders";
    /** Entries read at once: small, so a batch of slow sends stays well inside {@code CLAIM_IDLE}. */
    private static final int BATCH = 10;
    private static final Duration CLAIM_IDLE = Duration.ofSeconds(60);

    /** Moves due ids from the delayed set to the stream, atomically, so two nodes never both do. */
    private static final String MOVE_DUE = """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
            for _, id in ipairs(ids) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('XADD', KEYS[2], '*', 'id', id)
            end
            return #ids""";

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Consumer<String> send;
    private final String consumerPrefix;
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService threads;

    /**
     * @param send           hands one message id to the outbound route; throws when it could not be handled
     * @param consumerPrefix this node's name in the consumer group
     */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<String> send, String consumerPrefix) {
        this.redis = redis;
        this.clock = clock;
        this.send = send;
        this.consumerPrefix = consumerPrefix;
        createGroup();
    }

    private void createGroup() {
        try {
            redis.xgroupCreate(Keys.outbox(), GROUP, new StreamEntryID(0), true);
        } catch (JedisDataException e) {
            if (!e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Starts {@code count} sending threads. */
    public void start(int count) {
        running.set(true);
        threads = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "outbox");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < count; i++) {
            String consumer = consumerPrefix + "-" + i;
            threads.submit(() -> loop(consumer));
        }
    }

    private void loop(String consumer) {
        while (running.get()) {
            try {
                moveDueRetries();
                claimAbandoned(consumer);
                process(consumer, read(consumer, Duration.ofSeconds(1)));
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.error("outbox worker: {}", e.toString());
                    sleep(1000);
                }
            }
        }
    }

    /**
     * Sends everything that is due now, on the calling thread, and returns how many messages it
     * handed on: tests and the demo drive the outbox with this instead of waiting.
     */
    public int drain() {
        int total = 0;
        moveDueRetries();
        while (true) {
            List<StreamEntry> entries = read(consumerPrefix + "-drain", null);
            if (entries.isEmpty()) {
                return total;
            }
            total += process(consumerPrefix + "-drain", entries);
        }
    }

    private List<StreamEntry> read(String consumer, Duration block) {
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(BATCH);
        if (block != null) {
            params.block((int) block.toMillis());
        }
        List<Map.Entry<String, List<StreamEntry>>> result = redis.xreadGroup(GROUP, consumer, params,
                Map.of(Keys.outbox(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return result == null || result.isEmpty() ? List.of() : result.get(0).getValue();
    }

    /**
     * Hands each entry to the route, then acknowledges (and deletes) the handled ones with one call
     * per batch: an entry handled but not yet acknowledged when a node dies is redelivered, and the
     * route skips it because its send was recorded.
     */
    private int process(String consumer, List<StreamEntry> entries) {
        List<StreamEntryID> done = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            String id = entry.getFields().get("id");
            try {
                send.accept(id);
                done.add(entry.getID());
            } catch (RuntimeException e) {
                if (isBusy(e)) {
                    LOG.debug("message {} is being sent by another worker", id);
                } else {
                    LOG.error("message {} not handled, left for redelivery: {}", id, e.toString());
                }
            }
        }
        if (!done.isEmpty()) {
            StreamEntryID[] ids = done.toArray(StreamEntryID[]::new);
            redis.xack(Keys.outbox(), GROUP, ids);
            redis.xdel(Keys.outbox(), ids);
        }
        return done.size();
    }

    private static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("Busy")) {
                return true;
            }
        }
        return false;
    }

    int moveDueRetries() {
        Object moved = redis.eval(MOVE_DUE, List.of(Keys.outboxDelayed(), Keys.outbox()),
                List.of(String.valueOf(clock.millis())));
        return ((Long) moved).intValue();
    }

    private void claimAbandoned(String consumer) {
        Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.xautoclaim(Keys.outbox(), GROUP, consumer,
                CLAIM_IDLE.toMillis(), new StreamEntryID(0), XAutoClaimParams.xAutoClaimParams().count(50));
        if (claimed != null && !claimed.getValue().isEmpty()) {
            LOG.info("claimed {} outbox entries left by a stopped node", claimed.getValue().size());
            process(consumer, claimed.getValue());
        }
    }

    @Override
    public void close() {
        running.set(false);
        if (threads != null) {
            threads.shutdown();
            try {
                threads.awaitTermination(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
