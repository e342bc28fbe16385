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
            return string.format('%d', first)""";

    private final UnifiedJedis redis;

    public RedisIds(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** The first of {@code n} consecutive message numbers, a whole number of aligned blocks (at least one). */
    public long messageBlock(int n) {
        long blocks = Math.max(1, (n + MESSAGE_BLOCK - 1) / MESSAGE_BLOCK);
        return reserve(Keys.messageSeq(), blocks * MESSAGE_BLOCK, MESSAGE_BLOCK);
    }

    /** The highest message number handed out by any node, as far as Redis remembers (0: none). */
    public long lastMessage() {
        String last = redis.get(Keys.messageSeq());
        return last == null ? 0 : Long.parseLong(last);
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
        Object first = redis.eval(RESERVE, List.of(counter), List.of(String.valueOf(n), String.valueOf(align)));
        return Long.parseLong(first instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(first));
    }
}
