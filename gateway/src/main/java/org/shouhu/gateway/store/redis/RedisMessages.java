package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
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
 * The outbox and the message record in Redis: each message is a hash {@code sh:msg:{id}}, queued on
 * the stream {@code sh:outbox} (read by a consumer group) with the same fields, so that its first
 * delivery needs no read of the record; retried through the sorted set {@code sh:outbox:delayed}
 * (by id only), and found again by recipient. A provider's report names our id (see
 * {@code TwilioSettings.statusCallbackUrl}), so there is no index from the provider's ids to ours.
 */
public final class RedisMessages implements Outbox, MessageStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisMessages.class);

    /**
     * Moves the status forward only (by rank), recording the error code if given; with a provider
     * id (ARGV[5]), only on the record of the message the provider accepted under that id (or not
     * yet recorded as accepted: a report can overtake the receipt).
     */
    private static final String ADVANCE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local accepted = redis.call('HGET', KEYS[1], 'providerId')
            if ARGV[5] ~= '' and accepted and accepted ~= ARGV[5] then return 0 end
            local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '0')
            if tonumber(ARGV[2]) > rank then
              redis.call('HSET', KEYS[1], 'status', ARGV[1], 'rank', ARGV[2], 'updatedAt', ARGV[4])
              if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[3]) end
            end
            return 1""";

    /**
     * Queues messages atomically, in one call: for each, its record (a hash that expires), its id on
     * the recipient's list (trimmed once it is {@code SENT_TO_SLACK} past {@code SENT_TO_KEPT}) and
     * its stream entry, which carries the same fields; then, if given, the marker that says they
     * are queued — set last, so only when every write before it succeeded (a script stops at its
     * first error). KEYS: the stream, then each message's record and list, then the marker if any;
     * ARGV: keep (ms), createdAt, kept, slack, then id, to, template, params, kind of each.
     */
    private static final String ENQUEUE = """
            local keep, now = ARGV[1], ARGV[2]
            local kept, slack = tonumber(ARGV[3]), tonumber(ARGV[4])
            local n = math.floor((#KEYS - 1) / 2)
            for i = 0, n - 1 do
              local a = 5 + i * 5
              local id, to, template, params, kind = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
              local record, list = KEYS[2 + i * 2], KEYS[3 + i * 2]
              redis.call('HSET', record, 'to', to, 'template', template, 'params', params, 'kind', kind, 'createdAt', now)
              redis.call('PEXPIRE', record, keep)
              if redis.call('LPUSH', list, id) > kept + slack then redis.call('LTRIM', list, 0, kept - 1) end
              redis.call('XADD', KEYS[1], '*', 'id', id, 'to', to, 'template', template, 'params', params,
                'kind', kind, 'createdAt', now)
            end
            if #KEYS > 1 + 2 * n then redis.call('SET', KEYS[#KEYS], '1', 'PX', keep) end
            return 1""";

    /**
     * Receipts: for each message, its record's send fields, and its status unless a report that
     * overtook the receipt moved it further. KEYS: the records; ARGV: updatedAt, then text, channel,
     * providerId, status, rank, attempts of each.
     */
    private static final String RECORD_SENT = """
            local now = ARGV[1]
            for i = 1, #KEYS do
              local a = 2 + (i - 1) * 6
              local fields = {'text', ARGV[a], 'channel', ARGV[a + 1], 'providerId', ARGV[a + 2],
                'attempts', ARGV[a + 5], 'updatedAt', now}
              if tonumber(ARGV[a + 4]) > tonumber(redis.call('HGET', KEYS[i], 'rank') or '0') then
                table.insert(fields, 'status'); table.insert(fields, ARGV[a + 3])
                table.insert(fields, 'rank'); table.insert(fields, ARGV[a + 4])
              end
              redis.call('HSET', KEYS[i], unpack(fields))
            end
            return 1""";

    private static final int SENT_TO_KEPT = 200;
    /** A list is trimmed back to {@code SENT_TO_KEPT} once it is this much longer, not on every message. */
    private static final int SENT_TO_SLACK = 50;
    /** Message records are kept for a season's reports, then expire. */
    private static final java.time.Duration KEEP = java.time.Duration.ofDays(120);
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() { };

    private static final int ID_BLOCK = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final Clock clock;
    private long nextId = 1;
    private long blockEnd;

    public RedisMessages(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /**
     * Takes {@code n} consecutive ids from the shared sequence, reserving them a block at a time so
     * that most enqueues cost one round trip, not two. Ids stay unique across nodes; a node's unused
     * ids are skipped when it stops.
     */
    private synchronized long reserveIds(int n) {
        if (blockEnd - nextId + 1 < n) {
            long size = Math.max(n, ID_BLOCK);
            long last = redis.incrBy(Keys.messageSeq(), size);
            nextId = last - size + 1;
            blockEnd = last;
        }
        long first = nextId;
        nextId += n;
        return first;
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
        Queueing queueing = prepare(messages, queued); // before taking the connection: ids may need one too
        try (AbstractTransaction tx = redis.transaction(false)) {
            tx.watch(queued); // another node queueing the same between our look and EXEC aborts ours
            if (tx.exists(queued).get()) {
                return Optional.empty();
            }
            tx.multi();
            tx.eval(ENQUEUE, queueing.keys(), queueing.args());
            also.accept(tx, queueing.messages());
            List<Object> results = tx.exec();
            if (results == null) { // the marker appeared: someone else queued them
                return Optional.empty();
            }
            for (Object result : results) {
                if (result instanceof JedisDataException failed) {
                    throw failed;
                }
            }
            return Optional.of(queueing.messages());
        }
    }

    /** Messages given their ids, and the keys and arguments of the {@code ENQUEUE} call that queues them. */
    private record Queueing(List<OutboundMessage> messages, List<String> keys, List<String> args) {
    }

    /** The messages with their ids, and the ENQUEUE call's keys and arguments; {@code marker}: set once they are queued, or null. */
    private Queueing prepare(List<OutboundMessage> messages, String marker) {
        long first = messages.isEmpty() ? 0 : reserveIds(messages.size());
        List<OutboundMessage> stored = new ArrayList<>(messages.size());
        List<String> keys = new ArrayList<>(1 + 2 * messages.size());
        List<String> args = new ArrayList<>(4 + 5 * messages.size());
        keys.add(Keys.outbox());
        // no status, rank, attempts or updatedAt yet: pending, 0, 0, createdAt
        args.addAll(List.of(String.valueOf(KEEP.toMillis()), clock.instant().toString(),
                String.valueOf(SENT_TO_KEPT), String.valueOf(SENT_TO_SLACK)));
        for (int i = 0; i < messages.size(); i++) {
            OutboundMessage m = messages.get(i).withId("m" + (first + i));
            keys.add(Keys.message(m.id()));
            keys.add(Keys.sentTo(m.to().value()));
            args.addAll(List.of(m.id(), m.to().value(), m.template().name(), toJson(m.params()), m.kind().name()));
            stored.add(m);
        }
        if (marker != null) {
            keys.add(marker);
        }
        return new Queueing(stored, keys, args);
    }

    /**
     * An outbox stream entry as the outbound route takes it: a first delivery with the message it
     * carries, or a redelivery by id (an entry with only an id, one claimed from another consumer,
     * or one that cannot be read: its record is read, and marked failed if it cannot be read either).
     */
    static OutboxEntry entry(Map<String, String> fields, boolean claimed) {
        String id = fields.get("id");
        if (claimed || !fields.containsKey("template")) {
            return OutboxEntry.again(id);
        }
        try {
            return new OutboxEntry(id, decode(id, fields));
        } catch (RuntimeException e) {
            LOG.warn("outbox entry of message {} cannot be read ({}): its record is read instead", id, e.toString());
            return OutboxEntry.again(id);
        }
    }

    @Override
    public Optional<StoredMessage> load(String id) {
        Map<String, String> h = redis.hgetAll(Keys.message(id));
        return h.isEmpty() ? Optional.empty() : Optional.of(decode(id, h));
    }

    @Override
    public List<StoredMessage> loadAll(List<String> ids) {
        List<Map<String, String>> hashes = Pipelined.each(redis, ids, (p, id) -> p.hgetAll(Keys.message(id)));
        List<StoredMessage> result = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = hashes.get(i);
            if (!h.isEmpty()) {
                readable(ids.get(i), h).ifPresent(result::add);
            }
        }
        return result;
    }

    /**
     * The record as a message, or empty when it cannot be read (say, a template renamed since it
     * was queued): such a record is marked failed ({@code unreadable}), so that it can never
     * block the batch it is in or come back.
     */
    private Optional<StoredMessage> readable(String id, Map<String, String> h) {
        try {
            return Optional.of(decode(id, h));
        } catch (RuntimeException e) {
            LOG.error("message {} cannot be read, marked failed: {}", id, e.toString());
            advance(id, DeliveryStatus.FAILED, "unreadable");
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
        List<String> keys = new ArrayList<>(sent.size());
        List<String> args = new ArrayList<>(1 + 6 * sent.size());
        args.add(clock.instant().toString());
        for (Sent s : sent) {
            keys.add(Keys.message(s.id()));
            args.addAll(List.of(s.text(), s.channel(), s.receipt().providerId(), s.receipt().status().word(),
                    String.valueOf(s.receipt().status().rank()), String.valueOf(s.attempt())));
        }
        redis.eval(RECORD_SENT, keys, args);
    }

    @Override
    public void recordSuppressed(String id, String reason) {
        advance(id, DeliveryStatus.SUPPRESSED, reason);
    }

    @Override
    public void retryAt(String id, String errorCode, Instant at) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.hincrBy(Keys.message(id), "attempts", 1);
            tx.hset(Keys.message(id), Map.of("error", errorCode, "updatedAt", clock.instant().toString()));
            tx.zadd(Keys.outboxDelayed(), at.toEpochMilli(), id);
            tx.exec();
        }
    }

    @Override
    public void holdUntil(java.util.Collection<String> ids, String reason, Instant at) {
        String now = clock.instant().toString();
        try (AbstractTransaction tx = redis.multi()) {
            for (String id : ids) {
                tx.hset(Keys.message(id), Map.of("error", reason, "updatedAt", now));
                tx.zadd(Keys.outboxDelayed(), at.toEpochMilli(), id);
            }
            tx.exec();
        }
    }

    @Override
    public void recordFailed(String id, String errorCode) {
        redis.hincrBy(Keys.message(id), "attempts", 1);
        advance(id, DeliveryStatus.FAILED, errorCode);
    }

    @Override
    public boolean record(DeliveryReport report) {
        if (report.messageId() == null || report.messageId().isBlank()) {
            return false;
        }
        return advance(report.messageId(), report.status(), report.errorCode() == null ? "" : report.errorCode(),
                report.providerId());
    }

    private void advance(String id, DeliveryStatus status, String errorCode) {
        advance(id, status, errorCode, "");
    }

    /** Whether the record was there (and, given a provider id, is the message accepted under it). */
    private boolean advance(String id, DeliveryStatus status, String errorCode, String providerId) {
        Object found = redis.eval(ADVANCE, List.of(Keys.message(id)),
                List.of(status.word(), String.valueOf(status.rank()), errorCode, clock.instant().toString(), providerId));
        return Long.valueOf(1).equals(found);
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

    private static StoredMessage decode(String id, Map<String, String> h) {
        Instant created = instant(h.get("createdAt"));
        return new StoredMessage(id, new Address(h.get("to")), TemplateKey.valueOf(h.get("template")),
                fromJson(h.get("params")), MessageClass.valueOf(h.get("kind")),
                status(h.get("status")), h.get("text"), h.get("providerId"), h.get("error"),
                Integer.parseInt(h.getOrDefault("attempts", "0")), created,
                h.containsKey("updatedAt") ? instant(h.get("updatedAt")) : created);
    }

    private static DeliveryStatus status(String word) {
        return word == null ? DeliveryStatus.PENDING : DeliveryStatus.valueOf(word.toUpperCase(java.util.Locale.ROOT));
    }

    private static String toJson(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
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
}
