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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.shouhu.gateway.redis.RedisWatch;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.routes.port.Pacer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Reads messages from the outbox's lanes as consumers of the group {@code senders} and hands them
 * to the outbound route a batch at a time; acknowledges a batch only after the route is done with
 * it (one {@code XACK} for the batch); now and then it trims what the group is done with. Each
 * channel ({@link Lane#CHANNELS}) has its own threads, so one channel's trouble never stalls
 * another's, and they read the highest {@link Lane} that has undelivered entries first: one script
 * call ({@code PICK}) tries urgent, reply and confirm in turn, then the bulk group least served so far
 * (fan-outs share the bulk lane fairly, a new one starting level with the least served); only when
 * all are empty does a thread block, on the channel's fixed lanes. A read takes the channel's
 * {@link Pacer#batchSize} (at most {@value #BATCH}), so a lower lane's batch holds a higher lane
 * back by about one provider slot. The single stream of earlier versions, {@code sh:outbox}, is
 * still read by a thread of its own. An entry read for the first time carries its message (see
 * {@link RedisMessages#enqueue}); due retries and holds move from the delayed set back into their
 * lane as bare ids, and entries a stopped node left unacknowledged are claimed after five minutes
 * with what they carry (redeliveries: the route looks up their records, sends the entry's message
 * when there is none, and leases them). Several threads and several nodes share the work. A batch
 * the route fails on is tried again entry by entry (as redeliveries), so one entry that keeps
 * throwing holds up no other; such a poison entry is dead-lettered once the stream has delivered it
 * {@link DeadLetters#MAX_DELIVERIES} times (see {@link DeadLetters}), instead of being claimed every
 * five minutes for ever. While a batch is in progress its claim on its entries is renewed every
 * minute, so no other node takes over entries this one is still sending, however slow its
 * providers. With {@link NodeLiveness}, a consumer is named {@code {nodeId}@{incarnation}-…}, and
 * the entries of a consumer whose node is dead (its liveness key gone, or held by a later
 * incarnation) are claimed within seconds ({@link #DEAD_MIN_IDLE}), not five minutes; a dead
 * consumer with nothing pending is deleted from the group.
 */
public final class OutboxWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);
    static final String GROUP = "senders";
    /**
     * Entries read at once by a sending thread, at most: few enough that a batch of slow provider
     * calls stays well inside {@code CLAIM_IDLE} and the send lease; many enough that the route's
     * Redis work is a few round trips per batch instead of per message. A paced channel reads fewer.
     */
    static final int BATCH = 50;
    /** Entries read at once by {@link #drain()}, which runs on the caller's thread. */
    private static final int DRAIN_BATCH = 500;
    /** How long an idle channel thread waits on its fixed lanes before it looks at the bulk lane again. */
    private static final Duration IDLE_BLOCK = Duration.ofMillis(250);
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
     * How often a node does each channel's chores (on one of its threads): claim entries a stopped
     * node left, trim what the group is done with; and moves due retries back into their lanes.
     * Once a second is soon enough for each, and keeps them off the path of every small batch.
     */
    private static final long CHORES_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    /**
     * How long an entry of a dead node's consumer must have been idle before it is claimed: a node
     * whose key lapsed while it lives (a long pause) keeps an entry it has just read.
     */
    static final Duration DEAD_MIN_IDLE = Duration.ofSeconds(5);
    /** How often a node looks for dead nodes' pending entries: a few seconds is the promise, the look is one XPENDING a stream. */
    private static final long DEAD_CHECK_EVERY_NANOS = Duration.ofSeconds(3).toNanos();
    /** How often a node deletes dead consumers with nothing pending from the group. */
    private static final long CONSUMER_CLEANUP_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    /** Bulk groups a look considers at once, least served first. */
    private static final int GROUPS_LOOKED_AT = 20;

    /**
     * Deletes the consumers of dead nodes that have nothing pending, atomically with the look (a
     * consumer that reads in between is not deleted with its entries). A consumer name without
     * {@code @incarnation} (a node without liveness) is never judged. KEYS: the streams; ARGV: group,
     * the node key prefix. Returns how many it deleted.
     */
    private static final String DELETE_DEAD_CONSUMERS = """
            local deleted = 0
            for _, stream in ipairs(KEYS) do
              if redis.call('EXISTS', stream) == 1 then
                for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', stream, ARGV[1])) do
                  local name, pending
                  for i = 1, #c, 2 do
                    if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] end
                  end
                  local id, inc = string.match(name, '^(.+)@(%x+)%-')
                  if id and pending == 0 and redis.call('GET', ARGV[2] .. id) ~= inc then
                    redis.call('XGROUP', 'DELCONSUMER', stream, ARGV[1], name)
                    deleted = deleted + 1
                  end
                end
              end
            end
            return deleted""";

    /**
     * Moves due messages from the delayed set back into their streams, atomically, so two nodes
     * never both do: a member {@code {id}|{stream}} to its lane (a bulk group rejoins its channel's
     * groups, level with the least served), a bare id (put off by an earlier version) to the stream
     * of earlier versions. KEYS: the delayed set, that stream; ARGV: now (ms).
     */
    private static final String MOVE_DUE = RedisMessages.QUEUE_FUNCTION + """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
            local ready = {}
            for _, member in ipairs(due) do
              redis.call('ZREM', KEYS[1], member)
              local id, stream = string.match(member, '^([^|]+)|(.+)$')
              if not id then id, stream = member, KEYS[2] end
              if not ready[stream] then
                ready[stream] = true
                lane_ready(stream)
                local groups, group = string.match(stream, '^(.+:bulk):([^:]+)$')
                if groups then lane_join(groups, group) end
              end
              redis.call('XADD', stream, '*', 'id', id)
            end
            return #due""";

    /**
     * One channel's next batch, highest lane first: the first of its fixed lanes with undelivered
     * entries, else the least served bulk group that has any (its score grows by what it was given).
     * A bulk group with nothing undelivered is deleted once nothing of it is pending, else scored
     * infinite until a retry brings it back ({@code lane_join}). KEYS: the fixed lanes highest
     * first, then the bulk groups; ARGV: group, consumer, count, the bulk streams' prefix. Returns
     * the stream and its entries as {@code XREADGROUP} gives them, or nothing.
     */
    private static final String PICK = """
            local function read(stream)
              local r = redis.pcall('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', stream, '>')
              if type(r) ~= 'table' or r.err or not r[1] or #r[1][2] == 0 then return nil end
              return r[1][2]
            end
            for i = 1, #KEYS - 1 do
              local e = read(KEYS[i])
              if e then return {KEYS[i], e} end
            end
            local groups = KEYS[#KEYS]
            for _, g in ipairs(redis.call('ZRANGEBYSCORE', groups, '-inf', '(+inf', 'LIMIT', 0, tonumber(ARGV[5]))) do
              local stream = ARGV[4] .. g
              local e = read(stream)
              if e then
                redis.call('ZINCRBY', groups, #e, g)
                return {stream, e}
              end
              local p = redis.pcall('XPENDING', stream, ARGV[1])
              if type(p) ~= 'table' or p.err or p[1] == 0 then
                redis.call('DEL', stream)
                redis.call('ZREM', groups, g)
              else
                redis.call('ZADD', groups, 'XX', '+inf', g)
              end
            end
            return false""";

    /**
     * Deletes the bulk groups scored infinite (nothing undelivered) once nothing of them is pending.
     * KEYS: the bulk groups; ARGV: group, the bulk streams' prefix.
     */
    private static final String SWEEP_GROUPS = """
            for _, g in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '+inf', '+inf', 'LIMIT', 0, 100)) do
              local stream = ARGV[2] .. g
              local p = redis.pcall('XPENDING', stream, ARGV[1])
              if type(p) ~= 'table' or p.err or p[1] == 0 then
                redis.call('DEL', stream)
                redis.call('ZREM', KEYS[1], g)
              end
            end
            return 0""";

    /**
     * Deletes from each stream the entries the group is done with: everything below the oldest
     * entry still pending, or everything delivered when none is. Trimming whole stream nodes by id
     * costs far less than deleting entries one by one. KEYS: the streams; ARGV: group.
     */
    private static final String TRIM = """
            for _, s in ipairs(KEYS) do
              if redis.call('EXISTS', s) == 1 then
                local below
                local p = redis.call('XPENDING', s, ARGV[1])
                if p[1] > 0 then
                  below = p[2]
                else
                  for _, g in ipairs(redis.call('XINFO', 'GROUPS', s)) do
                    local name, last
                    for i = 1, #g, 2 do
                      if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
                    end
                    if name == ARGV[1] and last then
                      local ms, seq = string.match(last, '^(%d+)-(%d+)$')
                      below = ms .. '-' .. string.format('%d', tonumber(seq) + 1)
                    end
                  end
                end
                if below then redis.call('XTRIM', s, 'MINID', below) end
              end
            end
            return 0""";

    /**
     * How many entries are pending on a channel's streams. KEYS: its fixed lanes, then its bulk
     * groups (none for the stream of earlier versions); ARGV: group, the bulk streams' prefix.
     */
    private static final String PENDING = """
            local n, last = 0, #KEYS
            if ARGV[2] ~= '' then last = #KEYS - 1 end
            local function count(stream)
              local p = redis.pcall('XPENDING', stream, ARGV[1])
              if type(p) == 'table' and not p.err then n = n + p[1] end
            end
            for i = 1, last do count(KEYS[i]) end
            if ARGV[2] ~= '' then
              for _, g in ipairs(redis.call('ZRANGE', KEYS[#KEYS], 0, -1)) do count(ARGV[2] .. g) end
            end
            return n""";

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

    /**
     * The streams one set of threads reads: a channel's fixed lanes, highest first, and its bulk
     * groups; or the single stream of earlier versions ({@code bulkGroups} null).
     */
    private record Queue(String channel, List<String> lanes, String bulkGroups) {

        static Queue of(String channel) {
            return new Queue(channel, List.of(Keys.lane(channel, Lane.URGENT), Keys.lane(channel, Lane.REPLY),
                    Keys.lane(channel, Lane.CONFIRM)), Keys.bulkGroups(channel));
        }

        boolean legacy() {
            return bulkGroups == null;
        }

        String bulkPrefix() {
            return bulkGroups + ":";
        }
    }

    /** One stream's entries read at once. */
    private record Batch(String stream, List<StreamEntry> entries) {
    }

    private static final Queue LEGACY = new Queue("legacy", List.of(Keys.legacyOutbox()), null);
    private static final List<Queue> QUEUES = java.util.stream.Stream.concat(Lane.CHANNELS.stream().map(Queue::of),
            java.util.stream.Stream.of(LEGACY)).toList();

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Duration keepAliveEvery;
    private final Consumer<List<OutboxEntry>> send;
    private final String consumerPrefix;
    private final Pacer pacer;
    private final AtomicBoolean running = new AtomicBoolean();
    private final DeadLetters deadLetters;
    /** This node's liveness, or null: then only the five-minute rule frees another's entries. */
    private final NodeLiveness liveness;
    private final AtomicLong lastMove = new AtomicLong(System.nanoTime() - CHORES_EVERY_NANOS);
    private final Map<String, AtomicLong> lastChores = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastDeadCheck = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastCleanup = new java.util.concurrent.ConcurrentHashMap<>();
    private ExecutorService threads;

    /**
     * @param send           hands a batch of messages to the outbound route; throws when it could not handle them
     * @param consumerPrefix this node's name in the consumer group
     */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix) {
        this(redis, clock, send, consumerPrefix, KEEP_ALIVE_EVERY, null, Pacer.UNPACED);
    }

    /**
     * A worker of a node that beats {@code liveness}: its consumers are named after the node's
     * incarnation, and it claims a dead node's entries within seconds.
     */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, NodeLiveness liveness) {
        this(redis, clock, send, liveness, Pacer.UNPACED);
    }

    /** As above, reading each channel's batches at the size {@code pacer} gives it. */
    public OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, NodeLiveness liveness, Pacer pacer) {
        this(redis, clock, send, liveness.nodeId() + "@" + liveness.incarnation(), KEEP_ALIVE_EVERY, liveness, pacer);
    }

    /** As above, renewing the claims of a batch in progress every {@code keepAliveEvery} (tests shorten it). */
    OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix,
                 Duration keepAliveEvery) {
        this(redis, clock, send, consumerPrefix, keepAliveEvery, null, Pacer.UNPACED);
    }

    private OutboxWorker(UnifiedJedis redis, Clock clock, Consumer<List<OutboxEntry>> send, String consumerPrefix,
                         Duration keepAliveEvery, NodeLiveness liveness, Pacer pacer) {
        this.liveness = liveness;
        this.keepAliveEvery = keepAliveEvery;
        this.redis = redis;
        this.clock = clock;
        this.send = send;
        this.consumerPrefix = consumerPrefix;
        this.pacer = pacer;
        this.deadLetters = new DeadLetters(redis);
        createGroups();
    }

    /** The fixed streams and their group (a bulk group's stream is made with its group when queued). */
    private void createGroups() {
        for (Queue q : QUEUES) {
            for (String stream : q.lanes()) {
                try {
                    redis.xgroupCreate(stream, GROUP, new StreamEntryID(0), true);
                } catch (JedisDataException e) {
                    if (!e.getMessage().contains("BUSYGROUP")) {
                        throw e;
                    }
                }
            }
        }
    }

    /** The channels read, in the order of their threads (and the stream of earlier versions last). */
    static List<String> channels() {
        return QUEUES.stream().map(Queue::channel).toList();
    }

    /** Starts {@code count} sending threads for each channel, and one for the stream of earlier versions. */
    public void start(int count) {
        running.set(true);
        threads = Executors.newFixedThreadPool(threadCount(count), r -> {
            Thread t = new Thread(r, "outbox");
            t.setDaemon(true);
            return t;
        });
        for (Queue q : QUEUES) {
            for (int i = 0; i < (q.legacy() ? 1 : count); i++) {
                String consumer = consumerPrefix + "-" + q.channel() + "-" + i;
                threads.submit(() -> loop(q, consumer));
            }
        }
    }

    /** The threads (and so the Redis connections, each may block on one) {@link #start} takes for {@code count} a channel. */
    public static int threadCount(int count) {
        return count * Lane.CHANNELS.size() + 1;
    }

    private void loop(Queue queue, String consumer) {
        while (running.get()) {
            try {
                if (due(lastMove, CHORES_EVERY_NANOS, false)) {
                    moveDueRetries();
                }
                if (due(clock(lastChores, queue), CHORES_EVERY_NANOS, false)) {
                    chores(queue, consumer, false, true);
                }
                for (Batch b : next(queue, consumer, batchSize(queue, BATCH), true)) {
                    process(consumer, b.stream(), b.entries(), false);
                }
            } catch (RuntimeException e) {
                if (running.get()) {
                    LOG.error("outbox worker ({}): {}", queue.channel(), e.toString());
                    sleep(1000);
                }
            }
        }
    }

    private static AtomicLong clock(Map<String, AtomicLong> lasts, Queue queue) {
        return lasts.computeIfAbsent(queue.channel(), c -> new AtomicLong(System.nanoTime() - Duration.ofDays(1).toNanos()));
    }

    /**
     * A channel's chores: claim what stopped or dead nodes left, dead-letter poison, trim, sweep
     * spent bulk groups. Claims are looked for only when something is pending on any of the
     * channel's streams (one call), so a quiet channel costs one call, and its trim (in the loop) two more.
     */
    private int chores(Queue queue, String consumer, boolean now, boolean trim) {
        int claimed = 0;
        List<String> keys = new java.util.ArrayList<>(queue.lanes());
        if (!queue.legacy()) {
            keys.add(queue.bulkGroups());
        }
        Object pending = redis.eval(PENDING, keys, List.of(GROUP, queue.legacy() ? "" : queue.bulkPrefix()));
        if (!Long.valueOf(0).equals(pending)) {
            List<String> streams = streams(queue);
            claimed = claimAbandoned(streams, consumer) + claimFromDeadNodes(queue, streams, consumer, now);
        }
        if (trim) {
            trim(queue);
        }
        return claimed;
    }

    /** Every stream of a queue that may hold entries: its fixed lanes and its bulk groups. */
    private List<String> streams(Queue queue) {
        if (queue.legacy()) {
            return queue.lanes();
        }
        List<String> streams = new java.util.ArrayList<>(queue.lanes());
        for (String g : redis.zrange(queue.bulkGroups(), 0, -1)) {
            streams.add(queue.bulkPrefix() + g);
        }
        return streams;
    }

    private void trim(Queue queue) {
        redis.eval(TRIM, queue.lanes(), List.of(GROUP));
        if (!queue.legacy()) {
            redis.eval(SWEEP_GROUPS, List.of(queue.bulkGroups()), List.of(GROUP, queue.bulkPrefix()));
        }
    }

    /** How many of a channel's entries a read takes: what its pacer sends in about one slot's time, at most {@code cap}. */
    private int batchSize(Queue queue, int cap) {
        return queue.legacy() ? cap : Math.max(1, Math.min(cap, pacer.batchSize(queue.channel())));
    }

    /**
     * A channel's next batch, highest lane first ({@code PICK}, one call); when there is none and
     * {@code block}, waits briefly on its fixed lanes — what that returns may span several lanes,
     * each a batch, highest first.
     */
    private List<Batch> next(Queue queue, String consumer, int count, boolean block) {
        if (!queue.legacy()) {
            List<String> keys = new java.util.ArrayList<>(queue.lanes());
            keys.add(queue.bulkGroups());
            Object picked = redis.eval(PICK, keys, List.of(GROUP, consumer, String.valueOf(count), queue.bulkPrefix(),
                    String.valueOf(GROUPS_LOOKED_AT)));
            if (picked instanceof List<?> found && found.size() == 2) {
                return List.of(new Batch((String) found.get(0), entries(found.get(1))));
            }
        }
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(count);
        if (!queue.legacy() && !block) {
            return List.of(); // PICK looked at every lane already
        }
        if (block) {
            params.block((int) (queue.legacy() ? Duration.ofSeconds(1) : IDLE_BLOCK).toMillis());
        }
        Map<String, StreamEntryID> from = new java.util.LinkedHashMap<>();
        queue.lanes().forEach(s -> from.put(s, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        List<Map.Entry<String, List<StreamEntry>>> result = redis.xreadGroup(GROUP, consumer, params, from);
        if (result == null || result.isEmpty()) {
            return List.of();
        }
        List<Batch> batches = new java.util.ArrayList<>(result.size());
        for (String stream : queue.lanes()) { // highest lane first, whatever order Redis answered in
            for (Map.Entry<String, List<StreamEntry>> r : result) {
                if (r.getKey().equals(stream) && !r.getValue().isEmpty()) {
                    batches.add(new Batch(stream, r.getValue()));
                }
            }
        }
        return batches;
    }

    /** Entries as a script returns {@code XREADGROUP}'s: each its id and its fields, name then value. */
    private static List<StreamEntry> entries(Object raw) {
        List<?> list = (List<?>) raw;
        List<StreamEntry> entries = new java.util.ArrayList<>(list.size());
        for (Object o : list) {
            List<?> e = (List<?>) o;
            List<?> kv = (List<?>) e.get(1);
            Map<String, String> fields = new java.util.HashMap<>(kv.size());
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                fields.put(text(kv.get(i)), text(kv.get(i + 1)));
            }
            entries.add(new StreamEntry(new StreamEntryID(text(e.get(0))), fields));
        }
        return entries;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
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
     * overlaps Redis's on another. Every channel's lanes are drained, each channel highest lane first.
     */
    public int drain(int lane) {
        String consumer = consumerPrefix + "-drain-" + lane;
        moveDueRetries();
        int total = 0;
        for (Queue q : QUEUES) {
            total += chores(q, consumer, true, false); // trimmed at the end, when anything was sent
        }
        boolean more = true;
        while (more) {
            more = false;
            for (Queue q : QUEUES) {
                for (Batch b : next(q, consumer, batchSize(q, DRAIN_BATCH), false)) {
                    total += process(consumer, b.stream(), b.entries(), false);
                    more = true;
                }
            }
        }
        if (total > 0) {
            QUEUES.forEach(this::trim);
        }
        return total;
    }

    /**
     * Hands the batch to the route, then acknowledges its entries (trimmed from the stream later): a batch handled but
     * not yet acknowledged when a node dies is claimed by another worker as redeliveries, and the
     * route skips the messages whose sends were recorded. When the route fails (Redis went away)
     * nothing is acknowledged, and another worker claims the entries after {@code CLAIM_IDLE}.
     *
     * @param claimed entries taken over from another consumer: redeliveries, whatever they carry
     */
    private int process(String consumer, String stream, List<StreamEntry> entries, boolean claimed) {
        if (entries.isEmpty()) {
            return 0;
        }
        ScheduledFuture<?> keepAlive = KEEP_ALIVE.scheduleWithFixedDelay(() -> keepClaimed(consumer, stream, entries),
                keepAliveEvery.toMillis(), keepAliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        try {
            send.accept(entries.stream().map(e -> RedisMessages.entry(e.getFields(), claimed)).toList());
        } catch (RuntimeException e) {
            if (RedisWatch.unreachable(e)) { // every entry would fail alike: all wait for their claim
                LOG.error("a batch of {} messages was not handled, left for redelivery: {}", entries.size(), e.toString());
                return 0;
            }
            return oneByOne(stream, entries, e);
        } finally {
            keepAlive.cancel(false);
        }
        Failpoints.hit("outbound.before-ack"); // the batch is sent and recorded; the stream does not know yet
        StreamEntryID[] ids = entries.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new);
        redis.xack(stream, GROUP, ids);
        if (claimed) { // a claimed entry may have failed before: its note is no longer needed
            forgetFailures(stream, ids);
        }
        return ids.length;
    }

    /**
     * Resets the idle time of the batch's entries that this consumer still owns (one script: it
     * never takes an entry another consumer claimed), so that however long a batch takes — it is
     * bounded by the call deadlines, but a node may stall — no other node claims entries this one
     * is still working on. {@code XCLAIM … JUSTID} counts no delivery.
     */
    private void keepClaimed(String consumer, String stream, List<StreamEntry> entries) {
        try {
            List<String> args = new java.util.ArrayList<>(entries.size() + 2);
            args.add(GROUP);
            args.add(consumer);
            entries.forEach(e -> args.add(e.getID().toString()));
            redis.eval(KEEP_CLAIMED, List.of(stream), args);
        } catch (RuntimeException e) {
            LOG.warn("could not keep {} outbox entries claimed: {}", entries.size(), e.toString());
        }
    }

    private void forgetFailures(String stream, StreamEntryID... ids) {
        try {
            redis.hdel(Keys.outboxFailures(), java.util.Arrays.stream(ids).map(id -> DeadLetters.field(stream, id))
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
    private int oneByOne(String stream, List<StreamEntry> entries, RuntimeException batchFailure) {
        if (entries.size() == 1) {
            LOG.error("outbox entry {} was not handled, left for redelivery: {}", entries.get(0).getID(),
                    batchFailure.toString());
            noteFailure(stream, entries.get(0).getID(), batchFailure);
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
                noteFailure(stream, entry.getID(), e);
                continue;
            }
            redis.xack(stream, GROUP, entry.getID());
            forgetFailures(stream, entry.getID());
            handled++;
        }
        return handled;
    }

    private void noteFailure(String stream, StreamEntryID entry, RuntimeException failure) {
        try {
            deadLetters.noteFailure(stream, entry, failure);
        } catch (RuntimeException e) {
            LOG.warn("why entry {} failed could not be noted: {}", entry, e.toString());
        }
    }

    /** Moves due retries and holds back into their lanes; how many it moved. */
    int moveDueRetries() {
        Object moved = redis.eval(MOVE_DUE, List.of(Keys.outboxDelayed(), Keys.legacyOutbox()),
                List.of(String.valueOf(clock.millis())));
        return ((Long) moved).intValue();
    }

    /** Claims entries idle past {@code CLAIM_IDLE} on any of the streams (a stopped node's), after dead-lettering poison. */
    private int claimAbandoned(List<String> streams, String consumer) {
        int total = 0;
        for (String stream : streams) {
            deadLetterPoison(stream);
            Map.Entry<StreamEntryID, List<StreamEntry>> claimed;
            try {
                claimed = redis.xautoclaim(stream, GROUP, consumer, CLAIM_IDLE.toMillis(), new StreamEntryID(0),
                        XAutoClaimParams.xAutoClaimParams().count(50));
            } catch (JedisDataException gone) { // a bulk group deleted meanwhile
                continue;
            }
            if (claimed == null || claimed.getValue().isEmpty()) {
                continue;
            }
            LOG.info("claimed {} outbox entries of {} left by a stopped node", claimed.getValue().size(), stream);
            total += process(consumer, stream, claimed.getValue(), true);
        }
        return total;
    }

    /**
     * Claims the entries pending with consumers of dead nodes, once they have been idle
     * {@link #DEAD_MIN_IDLE} (an ordinary {@code XCLAIM}: it counts a delivery, and of two nodes
     * claiming at once only one gets each entry), dead-letters those delivered too often, and now
     * and then deletes dead consumers with nothing pending. At most every few seconds per node and
     * channel unless {@code now}; a look costs one {@code XPENDING} summary a stream when nothing is pending.
     */
    private int claimFromDeadNodes(Queue queue, List<String> streams, String consumer, boolean now) {
        if (liveness == null || !due(clock(lastDeadCheck, queue), DEAD_CHECK_EVERY_NANOS, now)) {
            return 0;
        }
        if (due(clock(lastCleanup, queue), CONSUMER_CLEANUP_EVERY_NANOS, now)) {
            Object deleted = redis.eval(DELETE_DEAD_CONSUMERS, queue.lanes(), List.of(GROUP, Keys.node("")));
            if (!Long.valueOf(0).equals(deleted)) {
                LOG.info("deleted {} consumers of stopped nodes from the outbox group", deleted);
            }
        }
        int total = 0;
        Map<String, String> incarnations = new java.util.HashMap<>();
        for (String stream : streams) {
            StreamPendingSummary summary;
            try {
                summary = redis.xpending(stream, GROUP);
            } catch (JedisDataException gone) { // a bulk group deleted meanwhile
                continue;
            }
            if (summary.getTotal() == 0) {
                continue;
            }
            for (String other : summary.getConsumerMessageCount().keySet()) {
                if (deadConsumer(other, incarnations)) {
                    total += claimFrom(stream, other, consumer);
                }
            }
        }
        return total;
    }

    /** Claims (or dead-letters) the entries of a dead node's consumer {@code other} on one stream. */
    private int claimFrom(String stream, String other, String consumer) {
        List<StreamPendingEntry> pending = redis.xpending(stream, GROUP, XPendingParams.xPendingParams()
                .idle(DEAD_MIN_IDLE.toMillis()).start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID)
                .count(BATCH).consumer(other));
        List<StreamEntryID> take = new java.util.ArrayList<>();
        for (StreamPendingEntry entry : pending) {
            if (entry.getDeliveredTimes() >= DeadLetters.MAX_DELIVERIES) {
                deadLetters.deadLetter(GROUP, stream, entry.getID(), entry.getDeliveredTimes(), clock.instant());
            } else {
                take.add(entry.getID());
            }
        }
        if (take.isEmpty()) {
            return 0;
        }
        Failpoints.hit("outbound.before-dead-claim");
        List<StreamEntry> claimed = redis.xclaim(stream, GROUP, consumer, DEAD_MIN_IDLE.toMillis(),
                XClaimParams.xClaimParams(), take.toArray(StreamEntryID[]::new));
        claimed = claimed.stream().filter(java.util.Objects::nonNull).toList(); // an entry trimmed meanwhile
        if (claimed.isEmpty()) {
            return 0;
        }
        LOG.info("claimed {} outbox entries of {} on {}, whose node is gone", claimed.size(), other, stream);
        return process(consumer, stream, claimed, true);
    }

    private static boolean due(AtomicLong last, long every, boolean now) {
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

    /** A consumer's name: node id, its incarnation, then which channel and thread, or drain lane. */
    private static final java.util.regex.Pattern CONSUMER = java.util.regex.Pattern.compile("(.+)@(\\p{XDigit}+)-.*");

    /**
     * Dead-letters the entries of a stream idle long enough to be claimed that it has already
     * delivered {@link DeadLetters#MAX_DELIVERIES} times (each claim counts one): they failed every time.
     */
    private void deadLetterPoison(String stream) {
        List<StreamPendingEntry> idle;
        try {
            idle = redis.xpending(stream, GROUP, XPendingParams.xPendingParams()
                    .idle(CLAIM_IDLE.toMillis()).start(StreamEntryID.MINIMUM_ID).end(StreamEntryID.MAXIMUM_ID).count(100));
        } catch (JedisDataException gone) {
            return;
        }
        for (StreamPendingEntry entry : idle) {
            if (entry.getDeliveredTimes() >= DeadLetters.MAX_DELIVERIES) {
                deadLetters.deadLetter(GROUP, stream, entry.getID(), entry.getDeliveredTimes(), clock.instant());
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
