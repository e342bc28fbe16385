package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The outbox and the message record in Redis. A message is queued on the stream of its channel
 * and {@link Lane} ({@code sh:out:{channel}:{lane}}; a fan-out's bulk messages on a stream of their
 * own, {@code sh:out:{channel}:bulk:{group}}), read by a consumer group, whose entry carries the
 * whole message, so that its first delivery needs no read; its id goes on its recipient's list. Its record is written at its first outcome —
 * sent, held, put off, suppressed, failed — as one JSON field of a hash per thousand ids,
 * {@code sh:msgs:{n}}, that expires as a whole: a message costs Redis no key, no expiry and no
 * write of its own before it is sent. Retries and holds come back through the sorted set
 * {@code sh:outbox:delayed} ({@code {id}|{stream}}: the id, and the lane it goes back to). A provider's report names our id (see
 * {@code TwilioSettings.statusCallbackUrl}), so there is no index from the provider's ids to ours.
 */
public final class RedisMessages implements Outbox, MessageStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisMessages.class);

    /**
     * Writes records, one per message, in one call. A message with no record gets {@code full}, the
     * record as this outcome leaves it (nearly always: a message's first outcome is its only write).
     * One that has a record (a retry, a hold that ended, a report that overtook the receipt) gets
     * the fields it lacks from {@code full}, and those {@code taken} names (comma-separated) from
     * {@code full} over it, {@code more} added to its attempts, and the status if it ranks higher
     * — unless {@code guard}, a provider id, names another send than the one recorded. Each hash's
     * expiry is renewed once per call. Returns 1 per record written, 0 where the guard held.
     * KEYS: each message's hash; ARGV: keep (ms), now, then id, full, taken, status, rank, more, guard of each.
     */
    private static final String WRITE = """
            local keep, now = ARGV[1], ARGV[2]
            local written, last = {}, nil
            for i = 1, #KEYS do
              local a = 3 + (i - 1) * 7
              local hash, id, full, taken = KEYS[i], ARGV[a], ARGV[a + 1], ARGV[a + 2]
              local status, rank, more, guard = ARGV[a + 3], tonumber(ARGV[a + 4]), tonumber(ARGV[a + 5]), ARGV[a + 6]
              written[i] = 1
              if redis.call('HSETNX', hash, id, full) == 0 then
                local r = cjson.decode(redis.call('HGET', hash, id))
                if guard ~= '' and r.providerId and r.providerId ~= guard then
                  written[i] = 0
                else
                  local f = cjson.decode(full)
                  for k, v in pairs(f) do if r[k] == nil then r[k] = v end end
                  for k in string.gmatch(taken, '[^,]+') do r[k] = f[k] end
                  if more > 0 then r.attempts = (r.attempts or 0) + more end
                  if rank and rank > (r.rank or 0) then r.status = status; r.rank = rank; r.updatedAt = now end
                  redis.call('HSET', hash, id, cjson.encode(r))
                end
              end
              if hash ~= last then redis.call('PEXPIRE', hash, keep); last = hash end
            end
            return written""";

    /**
     * The one place that knows how a message is queued, as a Lua function other scripts include
     * (see {@link #segment}): {@code queue_messages(k, a, n)} queues {@code n} messages, each its id
     * on the recipient's list (trimmed once it is {@code SENT_TO_SLACK} past {@code SENT_TO_KEPT})
     * and its entry, which carries the message, on the stream of its channel and lane
     * ({@link Keys#lane}); a bulk message on its fan-out's own stream ({@link Keys#bulkGroup}),
     * whose group joins the channel's bulk groups ({@code lane_join}, {@link #LANE_FUNCTION}). A
     * stream is made with the consumer group {@code senders} when it does not exist. KEYS from
     * {@code k}: each message's list, stream and bulk groups (its stream again when not bulk); ARGV
     * from {@code a}: createdAt, kept, slack, then id, to, template, params, kind, group ({@code ''}
     * when not bulk) of each. Returns the positions of the KEYS and ARGV that follow, as
     * {@code queue_positions(k, a, n)} does without queueing (for a script that skips a segment).
     */
    public static final String QUEUE_FUNCTION = """
            local function lane_ready(stream)
              if redis.call('EXISTS', stream) == 0 then redis.call('XGROUP', 'CREATE', stream, 'senders', '0', 'MKSTREAM') end
            end
            local function lane_join(groups, group)
              local low = redis.call('ZRANGEBYSCORE', groups, '-inf', '(+inf', 'LIMIT', 0, 1, 'WITHSCORES')
              redis.call('ZADD', groups, 'LT', low[2] or 0, group)
            end
            local function queue_positions(k, a, n) return k + 3 * n, a + 3 + 6 * n end
            local function queue_messages(k, a, n)
              local now, kept, slack = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
              local ready = {}
              for i = 0, n - 1 do
                local b, c = a + 3 + i * 6, k + i * 3
                local id, to, template, params, kind, group = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3], ARGV[b + 4], ARGV[b + 5]
                local stream = KEYS[c + 1]
                if redis.call('LPUSH', KEYS[c], id) > kept + slack then redis.call('LTRIM', KEYS[c], 0, kept - 1) end
                if not ready[stream] then
                  ready[stream] = true
                  lane_ready(stream)
                  if group ~= '' then lane_join(KEYS[c + 2], group) end
                end
                redis.call('XADD', stream, '*', 'id', id, 'to', to, 'template', template, 'params', params,
                  'kind', kind, 'createdAt', now)
              end
              return queue_positions(k, a, n)
            end
            """;

    /**
     * Queues messages atomically, in one call ({@link #QUEUE_FUNCTION}); then, if given, the marker
     * that says they are queued — set last, so only when every write before it succeeded (a script
     * stops at its first error). KEYS: each message's list, stream and bulk groups, then the marker
     * if any; ARGV: keep (ms), createdAt, kept, slack, then id, to, template, params, kind, group of each.
     */
    private static final String ENQUEUE = QUEUE_FUNCTION + """
            local keep = ARGV[1]
            local n = (#ARGV - 4) / 6
            queue_messages(1, 2, n)
            if #KEYS > 3 * n then redis.call('SET', KEYS[#KEYS], '1', 'PX', keep) end
            return 1""";

    private static final int SENT_TO_KEPT = 200;
    /** A list is trimmed back to {@code SENT_TO_KEPT} once it is this much longer, not on every message. */
    private static final int SENT_TO_SLACK = 50;
    /** Message records are kept for a season's reports, then expire. */
    private static final java.time.Duration KEEP = java.time.Duration.ofDays(120);
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() { };
    private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() { };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final Clock clock;
    private final RedisIds ids;
    private long nextId = 1;
    private long blockEnd;
    private long blockSize;

    public RedisMessages(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
        this.ids = new RedisIds(redis);
    }

    /**
     * Takes {@code n} consecutive ids, reserving them a block at a time ({@link RedisIds}) so
     * that most enqueues cost one round trip, not two. Ids stay unique across nodes and across a
     * Redis that lost its last writes; a node's unused ids are skipped when it stops.
     */
    private synchronized long reserveIds(int n) {
        if (blockEnd - nextId + 1 < n) {
            long first = ids.messageBlock(n);
            long size = Math.max(1, (n + RedisIds.MESSAGE_BLOCK - 1) / RedisIds.MESSAGE_BLOCK) * (long) RedisIds.MESSAGE_BLOCK;
            nextId = first;
            blockEnd = first + size - 1;
            blockSize = size;
        }
        long first = nextId;
        nextId += n;
        return first;
    }

    /** Blocks of message numbers known to have been given out (by any node), by block number. */
    private final com.github.benmanes.caffeine.cache.Cache<Long, Boolean> knownBlocks =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    /** Whether message number {@code n} was ever given out, by this node or another; asks Redis only past what it knows. */
    private boolean issued(long n) {
        synchronized (this) {
            if (n <= blockEnd && n > blockEnd - blockSize) {
                return true;
            }
        }
        Long block = n / RedisIds.MESSAGE_BLOCK;
        if (knownBlocks.getIfPresent(block) != null) {
            return true;
        }
        boolean issued = ids.messageIssued(n);
        if (issued) {
            knownBlocks.put(block, Boolean.TRUE);
        }
        return issued;
    }

    @Override
    public List<OutboundMessage> enqueue(List<OutboundMessage> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        Queueing queueing = prepare(messages, null);
        redis.eval(ENQUEUE, queueing.keys(), queueing.args());
        return queueing.messages();
    }

    /**
     * Queues messages as {@link #enqueue} does, then in the same transaction the writes {@code also}
     * adds for them (it is given the messages with their ids) — unless the marker {@code queued}
     * exists: then they were queued before and nothing is queued again. The marker is set by the
     * queueing script itself, after its last write, so it exists exactly when the messages went
     * into the outbox. So the caller can try again after any failure, even one whose reply was lost
     * after Redis ran the transaction, and no one gets the messages twice or never. (Redis does not
     * undo the other writes of a transaction when one fails inside it — only a bug of ours, a key
     * of the wrong type, could — so such a failure is reported by throwing.)
     *
     * @return the messages queued with their ids; empty when they had been queued before
     */
    public Optional<List<OutboundMessage>> enqueueOnce(String queued, List<OutboundMessage> messages,
                                                       BiConsumer<AbstractTransaction, List<OutboundMessage>> also) {
        return enqueueOnceIf(queued, List.of(), tx -> true, messages, also);
    }

    /** {@link Outbox#enqueueOnce}: the marker is a key kept as long as message records ({@code sh:once:<marker>:queued}). */
    @Override
    public boolean enqueueOnce(String marker, List<OutboundMessage> messages) {
        return !messages.isEmpty() && enqueueOnce(Keys.queuedOnce(marker), messages, (tx, queued) -> { }).isPresent();
    }

    /** How often {@link #enqueueOnceIf} starts again when a watched key changed under it before it gives up. */
    private static final int WATCH_TRIES = 20;

    /**
     * {@link #enqueueOnce}, and only while {@code proceed} says so: it is asked after {@code watched}
     * (and the marker) are watched, and may read them on the transaction's connection; when any of
     * them changes before {@code EXEC}, nothing is written and it is all asked again (up to
     * {@value #WATCH_TRIES} times, then it throws). So a decision taken on what {@code proceed}
     * read, the messages and the writes of {@code also} are one atomic write.
     *
     * @return the messages queued with their ids; empty when they had been queued before or {@code proceed} said no
     */
    public Optional<List<OutboundMessage>> enqueueOnceIf(String queued, List<String> watched,
                                                         java.util.function.Predicate<AbstractTransaction> proceed,
                                                         List<OutboundMessage> messages,
                                                         BiConsumer<AbstractTransaction, List<OutboundMessage>> also) {
        Queueing queueing = prepare(messages, queued); // before taking the connection: ids may need one too
        String[] watch = java.util.stream.Stream.concat(java.util.stream.Stream.of(queued), watched.stream())
                .toArray(String[]::new);
        for (int tries = 0; tries < WATCH_TRIES; tries++) {
            try (AbstractTransaction tx = redis.transaction(false)) {
                tx.watch(watch); // another node queueing the same, or a watched key changing, aborts ours
                if (tx.exists(queued).get() || !proceed.test(tx)) {
                    tx.unwatch();
                    return Optional.empty();
                }
                tx.multi();
                tx.eval(ENQUEUE, queueing.keys(), queueing.args());
                also.accept(tx, queueing.messages());
                List<Object> results = tx.exec();
                if (results == null) { // a watched key changed: look again (the marker, if it appeared, says queued)
                    continue;
                }
                for (Object result : results) {
                    if (result instanceof JedisDataException failed) {
                        throw failed;
                    }
                }
                return Optional.of(queueing.messages());
            }
        }
        throw new IllegalStateException("keys watched to queue " + queued + " kept changing; try again later");
    }

    /** Messages given their ids, and the keys and arguments of the {@code ENQUEUE} call that queues them. */
    private record Queueing(List<OutboundMessage> messages, List<String> keys, List<String> args) {
    }

    /**
     * Messages given their ids, and the KEYS and ARGV with which {@link #QUEUE_FUNCTION} queues
     * them inside another script ({@code queue_messages(k, a, messages.size())}, where {@code k}
     * and {@code a} are the positions the caller put {@code keys} and {@code args} at).
     */
    public record Segment(List<OutboundMessage> messages, List<String> keys, List<String> args) {
    }

    /**
     * Gives the messages their ids and lays out their part of a script that queues them with its
     * own writes (see {@link #QUEUE_FUNCTION}): a write that causes messages and the messages
     * become one atomic step. Ids of messages the script then does not queue are skipped.
     */
    public Segment segment(List<OutboundMessage> messages) {
        long first = messages.isEmpty() ? 0 : reserveIds(messages.size());
        List<OutboundMessage> stored = new ArrayList<>(messages.size());
        List<String> keys = new ArrayList<>(3 * messages.size());
        List<String> args = new ArrayList<>(3 + 6 * messages.size());
        args.addAll(List.of(clock.instant().toString(), String.valueOf(SENT_TO_KEPT), String.valueOf(SENT_TO_SLACK)));
        String group = null; // this call's fan-out: named after its first bulk message
        for (int i = 0; i < messages.size(); i++) {
            OutboundMessage m = messages.get(i).withId("m" + (first + i));
            keys.add(Keys.sentTo(m.to().value()));
            Lane lane = Lane.of(m.template(), m.kind());
            String channel = m.to().channel();
            if (lane == Lane.BULK && Lane.CHANNELS.contains(channel)) {
                group = group == null ? m.id() : group;
                keys.add(Keys.bulkGroup(channel, group));
                keys.add(Keys.bulkGroups(channel));
                args.addAll(List.of(m.id(), m.to().value(), m.template().name(), toJson(m.params()), m.kind().name(), group));
            } else {
                String stream = stream(channel, lane);
                keys.add(stream);
                keys.add(stream);
                args.addAll(List.of(m.id(), m.to().value(), m.template().name(), toJson(m.params()), m.kind().name(), ""));
            }
            stored.add(m);
        }
        return new Segment(stored, keys, args);
    }

    /**
     * The stream of a channel's lane other than bulk; a channel the outbox has no lanes for (an
     * address of a channel added since, say) goes on the stream of earlier versions, which every
     * node still reads, and is sent or failed there as before.
     */
    static String stream(String channel, Lane lane) {
        return Lane.CHANNELS.contains(channel) ? Keys.lane(channel, lane) : Keys.legacyOutbox();
    }

    /**
     * Where a message put off until {@code at} goes back when it is due: its lane's stream; a bulk
     * message joins the bulk group of what its channel put off to the same minute (a quiet-hours
     * hold, a fan-out's retries), which takes its fair share beside the fan-outs still going.
     */
    static String delayedStream(StoredMessage m, Instant at) {
        Lane lane = Lane.of(m.template(), m.kind());
        String channel = m.to().channel();
        if (lane == Lane.BULK && Lane.CHANNELS.contains(channel)) {
            return Keys.bulkGroup(channel, "r" + at.toEpochMilli() / 60_000);
        }
        return stream(channel, lane);
    }

    /** The delayed set's member for a message that goes back to {@code stream}: {@code {id}|{stream}}. */
    static String delayedMember(String id, String stream) {
        return id + "|" + stream;
    }

    /** The messages with their ids, and the ENQUEUE call's keys and arguments; {@code marker}: set once they are queued, or null. */
    private Queueing prepare(List<OutboundMessage> messages, String marker) {
        Segment segment = segment(messages);
        List<String> keys = new ArrayList<>(segment.keys());
        List<String> args = new ArrayList<>(1 + segment.args().size());
        args.add(String.valueOf(KEEP.toMillis()));
        args.addAll(segment.args());
        if (marker != null) {
            keys.add(marker);
        }
        return new Queueing(segment.messages(), keys, args);
    }

    /**
     * An outbox stream entry as the outbound route takes it: a first delivery with the message it
     * carries; a redelivery by id (a retry or hold that came due, or an entry that cannot be read:
     * its record is read); or a claimed entry, a redelivery with the message it carries.
     */
    public static OutboxEntry entry(Map<String, String> fields, boolean claimed) {
        String id = fields.get("id");
        if (!fields.containsKey("template")) {
            return OutboxEntry.again(id);
        }
        try {
            StoredMessage m = queued(id, fields);
            return claimed ? OutboxEntry.claimed(m) : OutboxEntry.first(m);
        } catch (RuntimeException e) {
            LOG.warn("outbox entry of message {} cannot be read ({}): its record is read instead", id, e.toString());
            return OutboxEntry.again(id);
        }
    }

    @Override
    public Optional<StoredMessage> load(String id) {
        List<StoredMessage> found = loadAll(List.of(id));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<StoredMessage> loadAll(List<String> ids) {
        List<String> ours = ids.stream().filter(id -> Keys.messages(id) != null).toList();
        List<String> records = Pipelined.each(redis, ours, (p, id) -> p.hget(Keys.messages(id), id));
        List<StoredMessage> found = new ArrayList<>(ours.size());
        List<String> lookOldWay = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            StoredMessage m = records.get(i) == null ? null : readable(ours.get(i), records.get(i)).orElse(null);
            found.add(m);
            if (m == null || m.isReportOnly()) {
                lookOldWay.add(ours.get(i));
            }
        }
        Map<String, StoredMessage> legacy = lookOldWay.isEmpty() ? Map.of() : legacy(lookOldWay);
        List<StoredMessage> result = new ArrayList<>(ours.size());
        for (int i = 0; i < ours.size(); i++) {
            StoredMessage m = found.get(i);
            StoredMessage old = legacy.get(ours.get(i));
            if (old != null) {
                m = m == null ? old : withReport(old, m);
            }
            if (m != null) {
                result.add(m);
            }
        }
        return result;
    }

    /** A message kept the old way, with what a report written the new way says of it since. */
    private static StoredMessage withReport(StoredMessage old, StoredMessage report) {
        boolean further = report.status().rank() > old.status().rank();
        return new StoredMessage(old.id(), old.to(), old.template(), old.params(), old.kind(),
                further ? report.status() : old.status(), old.text(),
                old.providerId() != null ? old.providerId() : report.providerId(),
                report.errorCode() != null ? report.errorCode() : old.errorCode(), old.attempts(), old.createdAt(),
                further ? report.updatedAt() : old.updatedAt());
    }

    /**
     * Records written before records went into hashes of a thousand ({@code sh:msg:{id}}, a hash per
     * message, written when queued): still read, so that a retry or hold put off before the change
     * is sent when it comes due, and older messages still show; they expire on their own. The next
     * outcome of such a message writes its record the new way.
     */
    private Map<String, StoredMessage> legacy(List<String> ids) {
        List<Map<String, String>> hashes = Pipelined.each(redis, ids, (p, id) -> p.hgetAll(Keys.legacyMessage(id)));
        Map<String, StoredMessage> found = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = hashes.get(i);
            if (h.isEmpty()) {
                continue;
            }
            try {
                StoredMessage q = queued(ids.get(i), h);
                found.put(q.id(), new StoredMessage(q.id(), q.to(), q.template(), q.params(), q.kind(), status(h.get("status")),
                        h.get("text"), h.get("providerId"), h.get("error"), Integer.parseInt(h.getOrDefault("attempts", "0")),
                        q.createdAt(), h.containsKey("updatedAt") ? instant(h.get("updatedAt")) : q.createdAt()));
            } catch (RuntimeException e) {
                LOG.error("message {} (kept the old way) cannot be read: {}", ids.get(i), e.toString());
            }
        }
        return found;
    }

    /**
     * The record as a message (or as a report alone, one that overtook a receipt never written), or
     * empty when it cannot be read (say, a template renamed since it was written): such a record is
     * marked failed ({@code unreadable}), so that it can never block the batch it is in or come back.
     */
    private Optional<StoredMessage> readable(String id, String json) {
        try {
            return recorded(id, json);
        } catch (RuntimeException e) {
            LOG.error("message {} cannot be read, marked failed: {}", id, e.toString());
            try {
                advance(id, DeliveryStatus.FAILED, "unreadable", "");
            } catch (RuntimeException notJson) { // not even a script can read it: it stays left out
                LOG.error("message {} cannot be marked failed either: {}", id, notJson.toString());
            }
            return Optional.empty();
        }
    }

    /**
     * Writes a batch of receipts in one call. The count of attempts is written, not incremented: one
     * worker at a time sends a message (a first delivery is one consumer's, a redelivery is leased).
     */
    @Override
    public void recordSent(List<Sent> sent) {
        if (sent.isEmpty()) {
            return;
        }
        String now = clock.instant().toString();
        List<Write> writes = new ArrayList<>(sent.size());
        for (Sent s : sent) {
            DeliveryStatus status = s.receipt().status();
            String providerId = s.receipt().providerId();
            writes.add(new Write(s.id(), full(s.message(), status, s.message().errorCode(), s.attempt(), now,
                    new Send(s.text(), s.channel(), providerId)), SEND_TAKES, status, 0, ""));
        }
        write(writes);
    }

    @Override
    public void recordSuppressed(StoredMessage m, String reason) {
        write(List.of(outcome(m, DeliveryStatus.SUPPRESSED, reason, 0)));
    }

    @Override
    public void retryAt(StoredMessage m, String errorCode, Instant at) {
        delay(List.of(m), List.of(outcome(m, null, errorCode, 1)), at);
    }

    @Override
    public void holdUntil(java.util.Collection<StoredMessage> messages, String reason, Instant at) {
        List<StoredMessage> held = List.copyOf(messages);
        delay(held, held.stream().map(m -> outcome(m, null, reason, 0)).toList(), at);
    }

    @Override
    public void recordFailed(StoredMessage m, String errorCode) {
        write(List.of(outcome(m, DeliveryStatus.FAILED, errorCode, 1)));
    }

    /** Writes the records and queues their messages again at {@code at}, each on its lane, in one transaction. */
    private void delay(List<StoredMessage> messages, List<Write> writes, Instant at) {
        if (writes.isEmpty()) {
            return;
        }
        try (AbstractTransaction tx = redis.multi()) {
            write(tx, writes);
            for (StoredMessage m : messages) { // each goes back to its lane's stream
                tx.zadd(Keys.outboxDelayed(), at.toEpochMilli(), delayedMember(m.id(), delayedStream(m, at)));
            }
            for (Object result : tx.exec()) {
                if (result instanceof JedisDataException failed) { // a record not written: say so, the route retries the batch
                    throw failed;
                }
            }
        }
    }

    @Override
    public boolean record(DeliveryReport report) {
        if (report.messageId() == null || report.messageId().isBlank()) {
            return false;
        }
        return advance(report.messageId(), report.status(), report.errorCode() == null ? "" : report.errorCode(),
                report.providerId() == null ? "" : report.providerId());
    }

    /**
     * Moves a message's status forward from a report, which names only its id: with a provider id,
     * only on the record of the send the provider accepted under that id. A report that overtakes
     * the receipt leaves a record of the status alone, which the receipt completes.
     *
     * @return whether it was recorded: false for an id that is not one of ours (never issued), or another send's report
     */
    private boolean advance(String id, DeliveryStatus status, String errorCode, String providerId) {
        if (Keys.messages(id) == null || !issued(Long.parseLong(id.substring(1)))) {
            return false;
        }
        String now = clock.instant().toString();
        Map<String, Object> alone = new LinkedHashMap<>();
        alone.put("status", status.word());
        alone.put("rank", status.rank());
        alone.put("updatedAt", now);
        if (!errorCode.isEmpty()) {
            alone.put("error", errorCode);
        }
        if (!providerId.isEmpty()) {
            alone.put("providerId", providerId);
        }
        return write(List.of(new Write(id, toJson(alone), errorCode.isEmpty() ? "" : "error", status, 0, providerId)))
                .get(0) == 1L;
    }

    /** A write for an outcome other than a send: the error it records, the status it moves to (or none), attempts it adds. */
    private Write outcome(StoredMessage m, DeliveryStatus status, String error, int more) {
        DeliveryStatus after = status == null ? m.status() : status;
        return new Write(m.id(), full(m, after, error, m.attempts() + more, clock.instant().toString(), null),
                OUTCOME_TAKES, status, more, "");
    }

    /** What a send writes over a record it finds; what another outcome does. */
    private static final String SEND_TAKES = "text,channel,providerId,attempts,updatedAt";
    private static final String OUTCOME_TAKES = "error,updatedAt";

    /** One message's part of a {@code WRITE} call. */
    private record Write(String id, String full, String taken, DeliveryStatus status, int more, String guard) {
    }

    private List<Long> write(List<Write> writes) {
        Object written = redis.eval(WRITE, writeKeys(writes), writeArgs(writes));
        @SuppressWarnings("unchecked")
        List<Long> result = (List<Long>) written;
        return result;
    }

    private void write(AbstractTransaction tx, List<Write> writes) {
        tx.eval(WRITE, writeKeys(writes), writeArgs(writes));
    }

    private static List<String> writeKeys(List<Write> writes) {
        return writes.stream().map(w -> Keys.messages(w.id())).toList();
    }

    private List<String> writeArgs(List<Write> writes) {
        List<String> args = new ArrayList<>(2 + 7 * writes.size());
        args.add(String.valueOf(KEEP.toMillis()));
        args.add(clock.instant().toString());
        for (Write w : writes) {
            args.addAll(List.of(w.id(), w.full(), w.taken(), w.status() == null ? "" : w.status().word(),
                    w.status() == null ? "" : String.valueOf(w.status().rank()), String.valueOf(w.more()), w.guard()));
        }
        return args;
    }

    /** What a send adds to a record. */
    private record Send(String text, String channel, String providerId) {
    }

    /**
     * The whole record of a message (first written) as this outcome leaves it, with what a send
     * adds if it was one; written field by field, with no map in between (one per message sent).
     */
    private static String full(StoredMessage m, DeliveryStatus status, String error, int attempts, String now, Send send) {
        StringWriter out = new StringWriter(256 + (send == null || send.text() == null ? 0 : 2 * send.text().length()));
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("to", m.to().value());
            g.writeStringField("template", m.template().name());
            g.writeObjectFieldStart("params");
            for (Map.Entry<String, String> p : m.params().entrySet()) {
                g.writeStringField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
            g.writeStringField("kind", m.kind().name());
            g.writeStringField("createdAt", m.createdAt().toString());
            g.writeStringField("status", status.word());
            g.writeNumberField("rank", status.rank());
            g.writeNumberField("attempts", attempts);
            g.writeStringField("updatedAt", now);
            if (error != null) {
                g.writeStringField("error", error);
            }
            if (send != null) {
                g.writeStringField("text", send.text());
                g.writeStringField("channel", send.channel());
                if (send.providerId() != null) {
                    g.writeStringField("providerId", send.providerId());
                }
            }
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("message record cannot be written", e);
        }
        return out.toString();
    }

    @Override
    public List<StoredMessage> sentTo(Address to, int limit) {
        return loadAll(redis.lrange(Keys.sentTo(to.value()), 0, limit - 1L));
    }

    /** The last time read and its instant: the messages of one enqueue share their createdAt. */
    private record ReadInstant(String text, Instant instant) {
    }

    private static volatile ReadInstant lastRead = new ReadInstant("", Instant.EPOCH);

    /** Parses an ISO instant, skipping the formatter when it is the one read last (most of a batch). */
    private static Instant instant(String text) {
        ReadInstant last = lastRead;
        if (last.text().equals(text)) {
            return last.instant();
        }
        Instant parsed = Instant.parse(text);
        lastRead = new ReadInstant(text, parsed);
        return parsed;
    }

    /** A message as its outbox entry carries it: queued, not yet tried. */
    private static StoredMessage queued(String id, Map<String, String> f) {
        return StoredMessage.queued(new OutboundMessage(id, new Address(f.get("to")), TemplateKey.valueOf(f.get("template")),
                fromJson(f.get("params")), MessageClass.valueOf(f.get("kind"))), instant(f.get("createdAt")));
    }

    /** A message as its record has it; a record that holds only a report that came first, as such. */
    private static Optional<StoredMessage> recorded(String id, String json) {
        Map<String, Object> r = readJson(json);
        if (!r.containsKey("to")) {
            return Optional.of(StoredMessage.reportOnly(id, status((String) r.get("status")), (String) r.get("providerId"),
                    (String) r.get("error"), instant((String) r.get("updatedAt"))));
        }
        @SuppressWarnings("unchecked")
        Map<String, String> params = r.get("params") instanceof Map<?, ?> p ? (Map<String, String>) p : Map.of();
        Instant created = instant((String) r.get("createdAt"));
        return Optional.of(new StoredMessage(id, new Address((String) r.get("to")),
                TemplateKey.valueOf((String) r.get("template")), params, MessageClass.valueOf((String) r.get("kind")),
                status((String) r.get("status")), (String) r.get("text"), (String) r.get("providerId"),
                (String) r.get("error"), r.get("attempts") instanceof Number n ? n.intValue() : 0, created,
                r.containsKey("updatedAt") ? instant((String) r.get("updatedAt")) : created));
    }

    private static DeliveryStatus status(String word) {
        return word == null ? DeliveryStatus.PENDING : DeliveryStatus.valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message values cannot be written", e);
        }
    }

    private static Map<String, String> fromJson(String text) {
        try {
            return JSON.readValue(text, PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored message values are not JSON", e);
        }
    }

    private static Map<String, Object> readJson(String text) {
        try {
            return JSON.readValue(text, RECORD);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("message record is not JSON", e);
        }
    }
}
