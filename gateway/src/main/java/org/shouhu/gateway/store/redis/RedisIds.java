package org.shouhu.gateway.store.redis;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Hands out the ids that leave Redis — message ids {@code m{n}} and child ids {@code c{n}} — so
 * that none is ever handed out twice, even when Redis loses the last writes of its AOF
 * ({@code appendfsync everysec}: up to about a second on a machine crash). Every reservation is
 * floored at Redis's own clock in microseconds, in one script: {@code first = max(counter, TIME_us) + 1},
 * rounded up to the block size. A counter that Redis restored from an older AOF is behind the
 * ids handed out before the crash, but Redis's clock after the restart is past them, as long as
 * Redis's host clock does not go back and ids are handed out slower than one per microsecond on
 * average (we hand out thousands a second at most; see docs/reliability.md, "Ids").
 * Message ids stay numeric and are reserved in blocks of {@link #MESSAGE_BLOCK} aligned to
 * a thousand, so one node's block fills one record hash {@code sh:msgs:{n}}.
 */
public final class RedisIds {

    /** Message ids a node reserves at a time: exactly one record hash's worth. */
    public static final int MESSAGE_BLOCK = Keys.MESSAGES_PER_HASH;

    /**
     * KEYS: the counter (the last id handed out); ARGV: how many ids, the alignment of the first.
     * Returns the first id of the reservation, as a string (a Lua number would lose nothing below
     * 2^53, which microseconds since 1970 stay under until the year 2255).
     */
    private static final String RESERVE = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local last = tonumber(redis.call('GET', KEYS[1]) or '0')
            local n, align = tonumber(ARGV[1]), tonumber(ARGV[2])
            local first = math.max(last, now) + 1
            first = math.ceil(first / align) * align
            redis.call('SET', KEYS[1], string.format('%d', first + n - 1))
            if KEYS[2] then
              for b = first / align, (first + n - 1) / align do
                redis.call('ZADD', KEYS[2], b, string.format('%d', b))
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. string.format('%d', (now - tonumber(ARGV[3])) / align))
            end
            return string.format('%d', first)""";

    /**
     * Message numbers below this were handed out one after the other by the plain counter of
     * earlier versions (every number up to the counter was given out); numbers floored at Redis's
     * clock (microseconds since 1970) are far above it.
     */
    private static final long SEQUENTIAL_BEFORE = 1_000_000_000_000_000L;
    /** Blocks are remembered as long as message records are kept. */
    private static final long BLOCKS_KEPT_MICROS = java.time.Duration.ofDays(120).toNanos() / 1000;

    private final UnifiedJedis redis;

    public RedisIds(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * The first of {@code n} consecutive message numbers, a whole number of aligned blocks (at
     * least one), each remembered in {@code sh:seq:msg:blocks} (for {@link #messageIssued}).
     */
    public long messageBlock(int n) {
        long blocks = Math.max(1, (n + MESSAGE_BLOCK - 1) / MESSAGE_BLOCK);
        Object first = redis.eval(RESERVE, List.of(Keys.messageSeq(), Keys.messageBlocks()), List.of(
                String.valueOf(blocks * MESSAGE_BLOCK), String.valueOf(MESSAGE_BLOCK), String.valueOf(BLOCKS_KEPT_MICROS)));
        return number(first);
    }

    /**
     * Whether message number {@code n} lies in a block some node reserved (within the last 120
     * days). Ids are sparse (each reservation starts at Redis's clock), so "at most the counter"
     * would take a made-up id for ours. A number of the plain counter of earlier versions is ours
     * when the counter still stands below the clock-floored numbers and has passed it, or when its
     * record exists (those messages were all sent, and their records written, before the upgrade).
     */
    public boolean messageIssued(long n) {
        if (n < SEQUENTIAL_BEFORE) {
            String last = redis.get(Keys.messageSeq());
            long counter = last == null ? 0 : Long.parseLong(last);
            if (counter < SEQUENTIAL_BEFORE) {
                return n <= counter;
            }
            String id = "m" + n;
            return redis.hexists(Keys.messages(id), id) || redis.exists(Keys.legacyMessage(id));
        }
        return redis.zscore(Keys.messageBlocks(), String.valueOf(n / MESSAGE_BLOCK)) != null;
    }

    /** The first of {@code n} consecutive child numbers (child ids are {@code "c" + number}). */
    public long children(int n) {
        return reserve(Keys.childSeq(), n, 1);
    }

    /** A new child id, {@code c{n}}. */
    public String child() {
        return "c" + children(1);
    }

    private long reserve(String counter, long n, long align) {
        if (n < 1) {
            throw new IllegalArgumentException("reserve at least one id, not " + n);
        }
        return number(redis.eval(RESERVE, List.of(counter), List.of(String.valueOf(n), String.valueOf(align))));
    }

    private static long number(Object reply) {
        return Long.parseLong(reply instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(reply));
    }
}
