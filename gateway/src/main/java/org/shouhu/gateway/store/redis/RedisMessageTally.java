package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.MessageTally;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Counts messages by status from their records ({@code sh:msgs:{n}}, one JSON field per message):
 * one {@code HMGET} per record hash in one pipeline — an alert's ids are consecutive, so 30,000
 * messages are about 30 commands — and only {@code status}, {@code channel} and {@code to} read
 * from each record. A message with no record yet is queued. Records kept the old way (a hash per
 * message, before the hashes of a thousand) are not read: an alert from before then counts as queued.
 */
public final class RedisMessageTally implements MessageTally {

    private static final JsonFactory JSON = new JsonFactory();

    private final UnifiedJedis redis;

    public RedisMessageTally(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public Tally tally(List<String> messageIds) {
        Map<String, List<String>> byHash = new LinkedHashMap<>();
        int notOurs = 0;
        for (String id : messageIds) {
            String hash = Keys.messages(id);
            if (hash == null) {
                notOurs++;
            } else {
                byHash.computeIfAbsent(hash, k -> new ArrayList<>()).add(id);
            }
        }
        List<Response<List<String>>> answers = new ArrayList<>(byHash.size());
        try (AbstractPipeline p = redis.pipelined()) {
            byHash.forEach((hash, ids) -> answers.add(p.hmget(hash, ids.toArray(String[]::new))));
            p.sync();
        }
        int queued = notOurs;
        int sent = 0;
        int delivered = 0;
        int failed = 0;
        int suppressed = 0;
        Map<String, Integer> handedOver = new HashMap<>();
        for (Response<List<String>> answer : answers) {
            for (String record : answer.get()) {
                Seen seen = record == null ? null : read(record);
                if (seen == null || seen.status() == DeliveryStatus.PENDING) {
                    queued++;
                    continue;
                }
                switch (seen.status()) {
                    case DELIVERED -> delivered++;
                    case FAILED, UNDELIVERED -> failed++;
                    case SUPPRESSED -> suppressed++;
                    default -> sent++;
                }
                handedOver.merge(seen.channel(), 1, Integer::sum);
            }
        }
        return new Tally(queued, sent, delivered, failed, suppressed, handedOver);
    }

    /** What a record says of where its message is, or null when it cannot be read (counted as queued). */
    private static Seen read(String record) {
        String status = null;
        String channel = null;
        String to = null;
        try (JsonParser p = JSON.createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if ("status".equals(field)) {
                    status = p.getText();
                } else if ("channel".equals(field)) {
                    channel = p.getText();
                } else if ("to".equals(field)) {
                    to = p.getText();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (status == null) {
            return null;
        }
        DeliveryStatus s;
        try {
            s = DeliveryStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // the channel a message went out on; a report that overtook its receipt names none: SMS, Twilio's
        String ch = channel != null ? channel : to != null ? new Address(to).channel() : Address.SMS;
        return new Seen(s, ch);
    }

    private record Seen(DeliveryStatus status, String channel) {
    }
}
