package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.shouhu.gateway.redis.RedisWatch;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.OutboxEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Reads messages from the outbox stream as one consumer of the group {@code senders} and hands
 * them to the outbound route a batch at a time; acknowledges a batch only after the route is done
 * with it (one {@code XACK} for the batch); now and then it trims what the group is done with. An
 * entry read for the first time carries its message (see {@link RedisMessages#enqueue}); due
 * retries and holds move from the delayed set back into the stream as bare ids, and entries a
 * stopped node left unacknowledged are claimed after five minutes with what they carry
 * (redeliveries: the route looks up their records, sends the entry's message when there is none,
 * and leases them). Several threads and several nodes share the work. A batch the route fails on is
 * tried again entry by entry (as redeliveries), so one entry that keeps throwing holds up no other;
 * such a poison entry is dead-lettered once the stream has delivered it {@link DeadLetters#MAX_DELIVERIES}
 * times (see {@link DeadLetters}), instead of being claimed every five minutes for ever. While a
 * batch is in progress its claim on its entries is renewed every minute, so no other node takes
 * over entries this one is still sending, however slow its providers. With {@link NodeLiveness}, a
 * consumer is named {@code {nodeId}@{incarnation}-…}, and the entries of a consumer whose node is
 * dead (its liveness key gone, or held by a later incarnation) are claimed within seconds
 * ({@link #DEAD_MIN_IDLE}), not five minutes; a dead consumer with nothing pending is deleted from the group.
 */
public final class OutboxWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);
    static final String GROUP = "senders";
    /**
     * Entries read at once by a sending thread: few enough that a batch of slow provider calls stays
     * well inside {@code CLAIM_IDLE} and the send lease; many enough that the route's Redis work is
     * a few round trips per batch instead of per message.
     */
    static final int BATCH = 50;
    /** Entries read at once by {@link #drain()}, which runs on the caller's thread. */
    private static final int DRAIN_BATCH = 500;
    /**
     * How long an entry stays with a consumer before another may claim it. First deliveries are sent
     * without a send lease, so this must outlast a batch by far: the route hands back what it has not
     * tried after {@code Channels.HAND_BACK_AFTER} (20 s), and a send already under way ends within
     * its deadline — 10 s a call, however the provider trickles its answer, and WeChat's worst case
     * (a rejected token, then a template after the 24-hour window, each with a fresh token) is seven
     * calls, about 70 s — then its receipt is written. Recovering a stopped node's batch is not urgent.
     */
    static final Duration CLAIM_IDLE = Duration.ofMinutes(5);
    /**
     * How often a sending thread does its chores between batches: move due retries into the
     * stream, claim entries a stopped node left, trim what the group is done with. Once a second
     * is soon enough for each, and keeps them off the path of every small batch.
     */
    private static final long CHORES_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    /**
     * How long an entry of a dead node's consumer must have been idle before it is claimed: a node
     * whose key lapsed while it lives (a long pause) keeps an entry it has just read.
     */
    static final Duration DEAD_MIN_IDLE = Duration.ofSeconds(5);
    /** How often a node looks for dead nodes' pending entries: a few seconds is the promise, the look is one XPENDING. */
    private static final long DEAD_CHECK_EVERY_NANOS = Duration.ofSeconds(3).toNanos();
    /** How often a node deletes dead consumers with nothing pending from the group. */
    private static final long CONSUMER_CLEANUP_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    /**
     * Deletes the consumers of dead nodes that have nothing pending, atomically with the look (a
     * consumer that reads in between is not deleted with its entries). A consumer name without
     * {@code @incarnation} (a node without liveness) is never judged. KEYS: the stream; ARGV: group,
     * the node key prefix. Returns how many it deleted.
     */
    private static final String DELETE_DEAD_CONSUMERS = """
            local deleted = 0
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local name, pending
              for i = 1, #c, 2 do
                if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
              end
              local id, inc = string.match(name, '^(.+)@(%x+)%-')
              if id and pending == 0 and redis.call('GET', ARGV[2] .. id) ~= inc then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
                deleted = deleted + 1
              end
            end
            return deleted""";

    /** Moves due ids from the delayed set to the stream, atomically, so two nodes never both do. */
    private static final String MOVE_DUE = """
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
            for _, id in ipairs(ids) do
              redis.call('ZREM', KEYS[1], id)
              redis.call('XADD', KEYS[2], '*', 'id', id)
            end
            return #ids""";

    /** KEYS: the stream; ARGV: group, consumer, then entry ids. Re-claims (idle 0, JUSTID) each entry still pending with this consumer. */
    private static final String KEEP_CLAIMED = """
            local kept = 0
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
              if #p > 0 then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
                kept = kept + 1
              end
            end
            return kept""";

    /** How often a batch in progress renews its claim on its entries: well inside {@code CLAIM_IDLE}. */
    static final Duration KEEP_ALIVE_EVERY = Duration.ofMinutes(1);
    /** Renews the claims of batches in progress; one daemon thread for every worker. */
    private static final ScheduledExecutorService KEEP_ALIVE = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "outbox-keep-alive");
        t.setDaemon(true);
        return t;
    });

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Duration keepAliveEvery;
    private final Consumer<List<OutboxEntry>> send;
    private final String consumerPrefix;
    private final AtomicBoolean running = new AtomicBoolean();
    private final DeadLetters deadLetters;
    /** This node's liveness, or null: then only the five-minute rule frees another's entries. */
    private final NodeLiveness liveness;
    private final java.util.concurrent.atomic.AtomicLong lastDeadCheck = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - DEAD_CHECK_EVERY_NANOS);
    private final java.util.concurrent.atomic.AtomicLong lastCleanup = new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - CONSUMER_CLEANUP_EVERY_NANOS);
    private ExecutorService threads;

    /**
     * @param send           hands a batch of messages to the outbound route; throws when it could not handle them
     * @param consumerPrefix this node's name in the consumer group
     */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix) {
        this(redis, clock, send, consumerPrefix, KEEP_ALIVE_EVERY, null);
    }

    /**
     * A worker of a node that beats {@code liveness}: its consumers are named after the node's
     * incarnation, and it claims a dead node's entries within seconds.
     */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, NodeLiveness liveness) {
        this(redis, clock, send, liveness.nodeId() + "@" + liveness.incarnation(), KEEP_ALIVE_EVERY, liveness);
    }

    /** As above, renewing the claims of a batch in progress every {@code keepAliveEvery} (tests shorten it). */
    OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix,
                 Duration keepAliveEvery) {
        this(redis, clock, send, consumerPrefix, keepAliveEvery, null);
    }

    private OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix,
                         Duration keepAliveEvery, NodeLiveness liveness) {
        this.liveness = liveness;
        this.keepAliveEvery = keepAliveEvery;
        this.redis = redis;
        this.clock = clock;
        this.send = send;
        this.consumerPrefix = consumerPrefix;
        this.deadLetters = new DeadLetters(redis);
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
        long lastChores = 0;
        while (running.get()) {
            try {
                if (System.nanoTime() - lastChores >= CHORES_EVERY_NANOS) {
                    moveDueRetries();
                    claimAbandoned(consumer);
                    claimFromDeadNodes(consumer, false);
                    trimHandled();
                    lastChores = System.nanoTime();
                }
                process(consumer, read(consumer, BATCH, Duration.ofSeconds(1)), false);
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
        return drain(0);
    }

    /**
     * {@link #drain()} as one of several callers draining at once, each its own consumer
     * ({@code lane}): a node under a burst sends on several threads, so the JVM's work on one batch
     * overlaps Redis's on another.
     */
    public int drain(int lane) {
        String consumer = consumerPrefix + "-drain-" + lane;
        moveDueRetries();
        int total = claimAbandoned(consumer) + claimFromDeadNodes(consumer, true);
        while (true) {
            List<StreamEntry> entries = read(consumer, DRAIN_BATCH, null);
            if (entries.isEmpty()) {
                if (total > 0) {
                    trimHandled();
                }
                return total;
            }
            total += process(consumer, entries, false);
        }
    }

    private List<StreamEntry> read(String consumer, int count, Duration block) {
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(count);
        if (block != null) {
            params.block((int) block.toMillis());
        }
        List<Map.Entry<String, List<StreamEntry>>> result = redis.xreadGroup(GROUP, consumer, params,
                Map.of(Keys.outbox(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return result == null || result.isEmpty() ? List.of() : result.get(0).getValue();
    }

    /**
     * Hands the batch to the route, then acknowledges its entries (trimmed from the stream later): a batch handled but
     * not yet acknowledged when a node dies is claimed by another worker as redeliveries, and the
     * route skips the messages whose sends were recorded. When the route fails (Redis went away)
     * nothing is acknowledged, and another worker claims the entries after {@code CLAIM_IDLE}.
     *
     * @param claimed entries taken over from another consumer: redeliveries, whatever they carry
     */
    private int process(String consumer, List<StreamEntry> entries, boolean claimed) {
        if (entries.isEmpty()) {
            return 0;
        }
        ScheduledFuture<?> keepAlive = KEEP_ALIVE.scheduleWithFixedDelay(() -> keepClaimed(consumer, entries),
                keepAliveEvery.toMillis(), keepAliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        try {
            send.accept(entries.stream().map(e -> RedisMessages.entry(e.getFields(), claimed)).toList());
        } catch (RuntimeException e) {
            if (RedisWatch.unreachable(e)) { // every entry would fail alike: all wait for their claim
                LOG.error("a batch of {} messages was not handled, left for redelivery: {}", entries.size(), e.toString());
                return 0;
            }
            return oneByOne(entries, e);
        } finally {
            keepAlive.cancel(false);
        }
        Failpoints.hit("outbound.before-ack"); // the batch is sent and recorded; the stream does not know yet
        StreamEntryID[] ids = entries.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new);
        redis.xack(Keys.outbox(), GROUP, ids);
        if (claimed) { // a claimed entry may have failed before: its note is no longer needed
            forgetFailures(ids);
        }
        return ids.length;
    }

    /**
     * Resets the idle time of the batch's entries that this consumer still owns (one script: it
     * never takes an entry another consumer claimed), so that however long a batch takes — it is
     * bounded by the call deadlines, but a node may stall — no other node claims entries this one
     * is still working on. {@code XCLAIM … JUSTID} counts no delivery.
     */
    private void keepClaimed(String consumer, List<StreamEntry> entries) {
        try {
            List<String> args = new java.util.ArrayList<>(entries.size() + 2);
            args.add(GROUP);
            args.add(consumer);
            entries.forEach(e -> args.add(e.getID().toString()));
            redis.eval(KEEP_CLAIMED, List.of(Keys.outbox()), args);
        } catch (RuntimeException e) {
            LOG.warn("could not keep {} outbox entries claimed: {}", entries.size(), e.toString());
        }
    }

    private void forgetFailures(StreamEntryID... ids) {
        try {
            redis.hdel(Keys.outboxFailures(), java.util.Arrays.stream(ids).map(StreamEntryID::toString)
                    .toArray(String[]::new));
        } catch (RuntimeException e) {
            LOG.warn("failure notes of {} entries not removed: {}", ids.length, e.toString());
        }
    }

    /**
     * A batch the route failed on, not for want of Redis: each entry is tried alone, as a
     * redelivery (its record is read and its send leased, so what the batch sent and recorded is
     * not sent again), and acknowledged when it goes through. One that fails alone stays pending,
     * with why noted for its dead letter; it comes back when claimed.
     */
    private int oneByOne(List<StreamEntry> entries, RuntimeException batchFailure) {
        if (entries.size() == 1) {
            LOG.error("outbox entry {} was not handled, left for redelivery: {}", entries.get(0).getID(),
                    batchFailure.toString());
            noteFailure(entries.get(0).getID(), batchFailure);
            return 0;
        }
        LOG.error("a batch of {} messages was not handled ({}): trying each alone", entries.size(), batchFailure.toString());
        int handled = 0;
        for (StreamEntry entry : entries) {
            try {
                send.accept(List.of(RedisMessages.entry(entry.getFields(), true)));
            } catch (RuntimeException e) {
                LOG.error("outbox entry {} was not handled, left for redelivery: {}", entry.getID(), e.toString());
                if (RedisWatch.unreachable(e)) { // the rest would fail alike
                    break;
                }
                noteFailure(entry.getID(), e);
                continue;
            }
            redis.xack(Keys.outbox(), GROUP, entry.getID());
            forgetFailures(entry.getID());
            handled++;
        }
        return handled;
    }

    private void noteFailure(StreamEntryID entry, RuntimeException failure) {
        try {
            deadLetters.noteFailure(entry, failure);
        } catch (RuntimeException e) {
            LOG.warn("why entry {} failed could not be noted: {}", entry, e.toString());
        }
    }

    /**
     * Deletes the entries the group is done with: everything below the oldest entry still pending,
     * or everything delivered when none is. Trimming whole stream nodes by id costs far less than
     * deleting entries one by one. The group's last delivered id is read before the pending
     * summary: an entry another worker reads in between is newer than that id, or shows up as
     * pending, so it is never trimmed.
     */
    private void trimHandled() {
        StreamEntryID delivered = redis.xinfoGroups(Keys.outbox()).stream().filter(g -> GROUP.equals(g.getName()))
                .findFirst().map(StreamGroupInfo::getLastDeliveredId).orElse(null);
        StreamPendingSummary pending = redis.xpending(Keys.outbox(), GROUP);
        StreamEntryID below = pending.getTotal() > 0 ? pending.getMinId()
                : delivered == null ? null : new StreamEntryID(delivered.getTime(), delivered.getSequence() + 1);
        if (below != null) {
            redis.xtrim(Keys.outbox(), XTrimParams.xTrimParams().minId(below.toString()));
        }
    }

    int moveDueRetries() {
        Object moved = redis.eval(MOVE_DUE, List.of(Keys.outboxDelayed(), Keys.outbox()),
                List.of(String.valueOf(clock.millis())));
        return ((Long) moved).intValue();
    }

    private int claimAbandoned(String consumer) {
        deadLetterPoison();
        Map.Entry<StreamEntryID, List<StreamEntry>> claimed = redis.xautoclaim(Keys.outbox(), GROUP, consumer,
                CLAIM_IDLE.toMillis(), new StreamEntryID(0), XAutoClaimParams.xAutoClaimParams().count(50));
        if (claimed == null || claimed.getValue().isEmpty()) {
            return 0;
        }
        LOG.info("claimed {} outbox entries left by a stopped node", claimed.getValue().size());
        return process(consumer, claimed.getValue(), true);
    }

    /**
     * Claims the entries pending with consumers of dead nodes, once they have been idle
     * {@link #DEAD_MIN_IDLE} (an ordinary {@code XCLAIM}: it counts a delivery, and of two nodes
     * claiming at once only one gets each entry), dead-letters those delivered too often, and now
     * and then deletes dead consumers with nothing pending. At most every few seconds per node
     * unless {@code now}; a look costs one {@code XPENDING} summary when nothing is pending.
     */
    private int claimFromDeadNodes(String consumer, boolean now) {
        if (liveness == null || !due(lastDeadCheck, DEAD_CHECK_EVERY_NANOS, now)) {
            return 0;
        }
        if (due(lastCleanup, CONSUMER_CLEANUP_EVERY_NANOS, now)) {
            Object deleted = redis.eval(DELETE_DEAD_CONSUMERS, List.of(Keys.outbox()), List.of(GROUP, Keys.node("")));
            if (!Long.valueOf(0).equals(deleted)) {
                LOG.info("deleted {} consumers of stopped nodes from the outbox group", deleted);
            }
        }
        StreamPendingSummary summary = redis.xpending(Keys.outbox(), GROUP);
        if (summary.getTotal() == 0) {
            return 0;
        }
        int total = 0;
        Map<String, String> incarnations = new java.util.HashMap<>();
        for (String other : summary.getConsumerMessageCount().keySet()) {
            if (!deadConsumer(other, incarnations)) {
                continue;
            }
            List<StreamPendingEntry> pending = redis.xpending(Keys.outbox(), GROUP, XPendingParams.xPendingParams()
                    .idle(DEAD_MIN_IDLE.toMillis()).start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID)
                    .count(BATCH).consumer(other));
            List<StreamEntryID> take = new java.util.ArrayList<>();
            for (StreamPendingEntry entry : pending) {
                if (entry.getDeliveredTimes() >= DeadLetters.MAX_DELIVERIES) {
                    deadLetters.deadLetter(GROUP, entry.getID(), entry.getDeliveredTimes(), clock.instant());
                } else {
                    take.add(entry.getID());
                }
            }
            if (take.isEmpty()) {
                continue;
            }
            Failpoints.hit("outbound.before-dead-claim");
            List<StreamEntry> claimed = redis.xclaim(Keys.outbox(), GROUP, consumer, DEAD_MIN_IDLE.toMillis(),
                    XClaimParams.xClaimParams(), take.toArray(StreamEntryID[]::new));
            claimed = claimed.stream().filter(java.util.Objects::nonNull).toList(); // an entry trimmed meanwhile
            if (!claimed.isEmpty()) {
                LOG.info("claimed {} outbox entries of {}, whose node is gone", claimed.size(), other);
                total += process(consumer, claimed, true);
            }
        }
        return total;
    }

    private static boolean due(java.util.concurrent.atomic.AtomicLong last, long every, boolean now) {
        long at = System.nanoTime();
        long was = last.get();
        return (now || at - was >= every) && last.compareAndSet(was, at);
    }

    /**
     * Whether a consumer ({@code {nodeId}@{incarnation}-…}) belongs to a node that is no longer
     * alive in that incarnation; a name without an incarnation is never judged dead here.
     */
    private boolean deadConsumer(String name, Map<String, String> incarnations) {
        java.util.regex.Matcher m = CONSUMER.matcher(name);
        if (!m.matches()) {
            return false;
        }
        String alive = incarnations.computeIfAbsent(m.group(1), id -> {
            String v = redis.get(Keys.node(id));
            return v == null ? "" : v;
        });
        return !alive.equals(m.group(2));
    }

    /** A consumer's name: node id, its incarnation, then which thread or drain lane. */
    private static final java.util.regex.Pattern CONSUMER = java.util.regex.Pattern.compile("(.+)@(\\p{XDigit}+)-.*");

    /**
     * Dead-letters the entries idle long enough to be claimed that the stream has already delivered
     * {@link DeadLetters#MAX_DELIVERIES} times (each claim counts one): they failed every time.
     */
    private void deadLetterPoison() {
        List<StreamPendingEntry> idle = redis.xpending(Keys.outbox(), GROUP, XPendingParams.xPendingParams()
                .idle(CLAIM_IDLE.toMillis()).start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID).count(100));
        for (StreamPendingEntry entry : idle) {
            if (entry.getDeliveredTimes() >= DeadLetters.MAX_DELIVERIES) {
                deadLetters.deadLetter(GROUP, entry.getID(), entry.getDeliveredTimes(), clock.instant());
            }
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
