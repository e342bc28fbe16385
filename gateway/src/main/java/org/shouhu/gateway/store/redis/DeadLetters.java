package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.model.Phone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Outbox entries that failed every delivery ({@link #MAX_DELIVERIES}, counted by the stream's own
 * delivery count): taken out of the consumer group's pending list ({@code XACK}) and kept in the hash
 * {@code sh:deadletters} — {@code {stream}/{entry id}} → {stream, entry, id, to (masked), deliveries, reason, at} — for
 * {@code GET /api/dead-letters}, with one log line. Both happen in one script, only if the entry
 * was still pending, so two nodes never dead-letter the same entry twice.
 */
public final class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Deliveries (the first read and each claim) after which an entry that keeps failing is given up. */
    public static final int MAX_DELIVERIES = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * KEYS: stream, dead letters, failures; ARGV: group, entry, message id, masked to, deliveries,
     * time, the entry's field in the failures and dead letters.
     */
    private static final String DEAD_LETTER = """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
            local reason = redis.call('HGET', KEYS[3], ARGV[7]) or 'failed on every delivery'
            redis.call('HDEL', KEYS[3], ARGV[7])
            redis.call('HSET', KEYS[2], ARGV[7], cjson.encode({stream = KEYS[1], entry = ARGV[2], id = ARGV[3], to = ARGV[4],
              deliveries = tonumber(ARGV[5]), reason = reason, at = ARGV[6]}))
            return 1""";

    private final UnifiedJedis redis;

    public DeadLetters(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * An entry's field in {@code sh:outbox:failures} and {@code sh:deadletters}: its id on the stream
     * of earlier versions, {@code {stream}/{id}} on a lane's (entry ids repeat across streams).
     */
    static String field(String stream, StreamEntryID entry) {
        return Keys.legacyOutbox().equals(stream) ? entry.toString() : stream + "/" + entry;
    }

    /** Dead-letters a pending entry of {@code group}; false when it was no longer pending (handled, or another node did it). */
    boolean deadLetter(String group, String stream, StreamEntryID entry, long deliveries, java.time.Instant now) {
        List<StreamEntry> found = redis.xrange(stream, entry, entry, 1);
        Map<String, String> fields = found.isEmpty() ? Map.of() : found.get(0).getFields();
        String id = fields.getOrDefault("id", "?");
        String to = Phone.mask(fields.getOrDefault("to", ""));
        Object done = redis.eval(DEAD_LETTER, List.of(stream, Keys.deadLetters(), Keys.outboxFailures()),
                List.of(group, entry.toString(), id, to, String.valueOf(deliveries), now.toString(), field(stream, entry)));
        boolean mine = Long.valueOf(1).equals(done);
        if (mine) {
            LOG.error("outbox entry {} of {} (message {} to {}) failed {} deliveries: dead-lettered", entry, stream, id, to,
                    deliveries);
        }
        return mine;
    }

    /**
     * Notes why an entry failed (the class and message of the root cause, numbers masked, no quoted
     * input), for its dead letter.
     */
    void noteFailure(String stream, StreamEntryID entry, RuntimeException failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = Phone.maskNumbers(root.getClass().getSimpleName() + ": " + root.getMessage());
        int source = reason.indexOf("[Source"); // Jackson quotes the input it could not read: it may name a child
        if (source >= 0) {
            reason = reason.substring(0, source).strip();
        }
        redis.hset(Keys.outboxFailures(), field(stream, entry), reason.length() > 300 ? reason.substring(0, 300) : reason);
    }

    /** Every dead letter, oldest first. */
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String json : redis.hvals(Keys.deadLetters())) {
            try {
                out.add(JSON.readValue(json, new TypeReference<Map<String, Object>>() { }));
            } catch (java.io.IOException e) {
                out.add(Map.of("unreadable", true));
            }
        }
        out.sort(Comparator.comparing(m -> String.valueOf(m.getOrDefault("at", ""))));
        return out;
    }
}
