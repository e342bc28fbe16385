package org.shouhu.gateway.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.InboundClaims;
import redis.clients.jedis.UnifiedJedis;

/**
 * Claims on provider messages in Redis, one key per message, {@code sh:once:in:{channel}:{id}}:
 * {@code claim|token|until|count} while a try holds it (until: the lease's end in ms of the
 * gateway's clock, which the scripts are given, so a simulated clock moves leases too), then
 * {@code 1} once its replies are queued — by the same script, so the mark and the replies are one
 * write. Markers set by nodes of the earlier version (always {@code 1}) read as done.
 */
public final class RedisInboundClaims implements InboundClaims {

    /**
     * Takes the claim: a new message (no key) is counted on the sender's counter; a claim whose
     * lease ran out is taken over with the count it has. KEYS: marker, counter; ARGV: now (ms),
     * lease (ms), remember (ms), window (ms), token. Returns {outcome, count, 1 when an earlier try had claimed it}.
     */
    private static final String CLAIM = """
            local now = tonumber(ARGV[1])
            local v = redis.call('GET', KEYS[1])
            local n, retry = nil, 0
            if v == false then
              n = redis.call('INCR', KEYS[2])
              if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
            else
              local until_ms, count = string.match(v, '^claim|[^|]*|(%d+)|(%d+)$')
              if until_ms == nil then return {'DONE', 0, 0} end
              if tonumber(until_ms) > now then return {'BUSY', 0, 0} end
              n, retry = tonumber(count), 1
            end
            redis.call('SET', KEYS[1], 'claim|' .. ARGV[5] .. '|' .. string.format('%d', now + tonumber(ARGV[2])) .. '|' .. n,
              'PX', ARGV[3])
            return {'TAKEN', n, retry}""";

    /** Ends the lease of a claim still held by token ARGV[1] (keeping its count). KEYS: marker. */
    private static final String RELEASE = """
            local v = redis.call('GET', KEYS[1])
            if v == false then return 0 end
            local token, count = string.match(v, '^claim|([^|]*)|%d+|(%d+)$')
            if token ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], 'claim|' .. token .. '|0|' .. count, 'KEEPTTL')
            return 1""";

    /**
     * While the claim is token ARGV[1]'s (or gone), queues the replies and marks the message done
     * (kept ARGV[2] ms), last. KEYS: marker, then the replies' segment; ARGV: token, remember, n,
     * then the segment.
     */
    private static final String FINISH = RedisMessages.QUEUE_FUNCTION + """
            local v = redis.call('GET', KEYS[1])
            if v ~= false and string.match(v, '^claim|([^|]*)|') ~= ARGV[1] then return 0 end
            queue_messages(2, 4, tonumber(ARGV[3]))
            redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
            return 1""";

    private final UnifiedJedis redis;
    private final RedisMessages messages;

    public RedisInboundClaims(UnifiedJedis redis, RedisMessages messages) {
        this.redis = redis;
        this.messages = messages;
    }

    @Override
    public Claim claim(String key, Instant now, Duration lease, Duration remember, String counter, Duration window) {
        String token = UUID.randomUUID().toString();
        String counterKey = Keys.rate(counter, now.toEpochMilli() / window.toMillis());
        List<?> found = (List<?>) redis.eval(CLAIM, List.of(Keys.once(key), counterKey),
                List.of(String.valueOf(now.toEpochMilli()), String.valueOf(lease.toMillis()),
                        String.valueOf(remember.toMillis()), String.valueOf(window.toMillis()), token));
        Outcome outcome = Outcome.valueOf(String.valueOf(found.get(0)));
        return new Claim(key, outcome, outcome == Outcome.TAKEN ? token : null, (Long) found.get(1),
                Long.valueOf(1).equals(found.get(2)));
    }

    @Override
    public void release(Claim claim) {
        redis.eval(RELEASE, List.of(Keys.once(claim.key())), List.of(claim.token()));
    }

    @Override
    public Optional<List<OutboundMessage>> finish(Claim claim, Duration remember, List<OutboundMessage> replies) {
        RedisMessages.Segment segment = messages.segment(replies);
        List<String> keys = new ArrayList<>(1 + segment.keys().size());
        keys.add(Keys.once(claim.key()));
        keys.addAll(segment.keys());
        List<String> args = new ArrayList<>(3 + segment.args().size());
        args.addAll(List.of(claim.token(), String.valueOf(remember.toMillis()), String.valueOf(replies.size())));
        args.addAll(segment.args());
        Object done = redis.eval(FINISH, keys, args);
        return Long.valueOf(1).equals(done) ? Optional.of(segment.messages()) : Optional.empty();
    }
}
