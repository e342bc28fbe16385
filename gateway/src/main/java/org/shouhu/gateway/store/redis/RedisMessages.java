package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * The outbox and the message record in Redis: each message is a hash {@code sh:msg:{id}}, queued by
 * id on the stream {@code sh:outbox} (read by a consumer group), retried through the sorted set
 * {@code sh:outbox:delayed}, and found again by provider id and by recipient.
 */
public final class RedisMessages implements Outbox, MessageStore {

    /** Moves the status forward only (by rank), recording the error code if given. */
    private static final String ADVANCE = """
            local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
            if rank < 0 then return 0 end
            if tonumber(ARGV[2]) > rank then
              redis.call('HSET', KEYS[1], 'status', ARGV[1], 'rank', ARGV[2], 'updatedAt', ARGV[4])
              if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[3]) end
            end
            return 1""";

    private static final int SENT_TO_KEPT = 200;
    /** Message records (and their provider-id index) are kept for a season's reports, then expire. */
    private static final java.time.Duration KEEP = java.time.Duration.ofDays(120);
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() { };

    private final UnifiedJedis redis;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public RedisMessages(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public List<OutboundMessage> enqueue(List<OutboundMessage> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        long last = redis.incrBy(Keys.messageSeq(), messages.size());
        long first = last - messages.size() + 1;
        String now = clock.instant().toString();
        List<OutboundMessage> stored = new ArrayList<>(messages.size());
        try (AbstractTransaction tx = redis.multi()) {
            for (int i = 0; i < messages.size(); i++) {
                OutboundMessage m = messages.get(i).withId("m" + (first + i));
                Map<String, String> h = new HashMap<>();
                h.put("to", m.to().value());
                h.put("template", m.template().name());
                h.put("params", toJson(m.params()));
                h.put("kind", m.kind().name());
                h.put("status", DeliveryStatus.PENDING.word());
                h.put("rank", String.valueOf(DeliveryStatus.PENDING.rank()));
                h.put("attempts", "0");
                h.put("createdAt", now);
                h.put("updatedAt", now);
                tx.hset(Keys.message(m.id()), h);
                tx.pexpire(Keys.message(m.id()), KEEP.toMillis());
                tx.lpush(Keys.sentTo(m.to().value()), m.id());
                tx.ltrim(Keys.sentTo(m.to().value()), 0, SENT_TO_KEPT - 1);
                tx.xadd(Keys.outbox(), StreamEntryID.NEW_ENTRY, Map.of("id", m.id()));
                stored.add(m);
            }
            tx.exec();
        }
        return stored;
    }

    /** Just the message's class and template (for counting), in one round trip. */
    public List<String> kindAndTemplate(String id) {
        return redis.hmget(Keys.message(id), "kind", "template");
    }

    @Override
    public Optional<StoredMessage> load(String id) {
        Map<String, String> h = redis.hgetAll(Keys.message(id));
        return h.isEmpty() ? Optional.empty() : Optional.of(decode(id, h));
    }

    /** The send record and the forward-only status move, in one step (one round trip, atomic). */
    private static final String SENT = """
            redis.call('HSET', KEYS[1], 'text', ARGV[1], 'channel', ARGV[2], 'providerId', ARGV[3], 'updatedAt', ARGV[6])
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            redis.call('SET', KEYS[2], ARGV[7], 'PX', ARGV[8])
            local rank = tonumber(redis.call('HGET', KEYS[1], 'rank') or '-1')
            if tonumber(ARGV[5]) > rank then redis.call('HSET', KEYS[1], 'status', ARGV[4], 'rank', ARGV[5]) end
            return 1""";

    @Override
    public void recordSent(String id, String channel, String text, SendReceipt receipt) {
        redis.eval(SENT, List.of(Keys.message(id), Keys.providerId(receipt.providerId())),
                List.of(text, channel, receipt.providerId(), receipt.status().word(),
                        String.valueOf(receipt.status().rank()), clock.instant().toString(), id,
                        String.valueOf(KEEP.toMillis())));
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
    public void holdUntil(String id, Instant at) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(Keys.message(id), Map.of("error", "quiet-hours", "updatedAt", clock.instant().toString()));
            tx.zadd(Keys.outboxDelayed(), at.toEpochMilli(), id);
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
        String id = redis.get(Keys.providerId(report.providerId()));
        if (id == null) {
            return false;
        }
        advance(id, report.status(), report.errorCode() == null ? "" : report.errorCode());
        return true;
    }

    private void advance(String id, DeliveryStatus status, String errorCode) {
        redis.eval(ADVANCE, List.of(Keys.message(id)),
                List.of(status.word(), String.valueOf(status.rank()), errorCode, clock.instant().toString()));
    }

    @Override
    public List<StoredMessage> sentTo(Address to, int limit) {
        List<String> ids = redis.lrange(Keys.sentTo(to.value()), 0, limit - 1L);
        List<Response<Map<String, String>>> responses = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> responses.add(p.hgetAll(Keys.message(id))));
            p.sync();
        }
        List<StoredMessage> result = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = responses.get(i).get();
            if (!h.isEmpty()) {
                result.add(decode(ids.get(i), h));
            }
        }
        return result;
    }

    private StoredMessage decode(String id, Map<String, String> h) {
        return new StoredMessage(id, new Address(h.get("to")), TemplateKey.valueOf(h.get("template")),
                fromJson(h.get("params")), MessageClass.valueOf(h.get("kind")),
                DeliveryStatus.valueOf(h.get("status").toUpperCase(java.util.Locale.ROOT)),
                h.get("text"), h.get("providerId"), h.get("error"),
                Integer.parseInt(h.getOrDefault("attempts", "0")),
                Instant.parse(h.get("createdAt")), Instant.parse(h.get("updatedAt")));
    }

    private String toJson(Map<String, String> params) {
        try {
            return json.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("message values cannot be written", e);
        }
    }

    private Map<String, String> fromJson(String text) {
        try {
            return json.readValue(text, PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored message values are not JSON", e);
        }
    }
}
