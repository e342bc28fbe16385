package org.shouhu.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;

/** What tests ask of the outbox as a whole, across its lanes' streams and the stream of earlier versions. */
public final class OutboxStreams {

    public static final String GROUP = "senders";

    private OutboxStreams() {
    }

    /** Every outbox stream there is now. */
    public static List<String> streams(JedisCommands redis) {
        List<String> streams = new ArrayList<>();
        for (String key : redis.keys("sh:out*")) {
            if ("stream".equals(redis.type(key))) {
                streams.add(key);
            }
        }
        streams.sort(null);
        return streams;
    }

    /** Entries in all outbox streams (queued and not yet trimmed). */
    public static long length(JedisCommands redis) {
        return streams(redis).stream().mapToLong(redis::xlen).sum();
    }

    /** Every entry of every outbox stream. */
    public static List<StreamEntry> entries(JedisCommands redis) {
        List<StreamEntry> all = new ArrayList<>();
        streams(redis).forEach(s -> all.addAll(redis.xrange(s, "-", "+")));
        return all;
    }

    /** Entries read and not yet acknowledged, on all streams. */
    public static long pending(JedisCommands redis) {
        return streams(redis).stream().mapToLong(s -> redis.xpending(s, GROUP).getTotal()).sum();
    }

    /** Makes every pending entry look idle for {@code millis}, as if its consumer had stalled that long. */
    public static void idle(JedisCommands redis, long millis) {
        for (String s : streams(redis)) {
            redis.xpending(s, GROUP, XPendingParams.xPendingParams().start(StreamEntryID.MINIMUM_ID)
                    .end(StreamEntryID.MAXIMUM_ID).count(1000)).forEach(e ->
                    redis.xclaimJustId(s, GROUP, e.getConsumerName(), 0, XClaimParams.xClaimParams().idle(millis), e.getID()));
        }
    }

    /** When a message put off comes due (ms), or null when it is not in the delayed set. */
    public static Double delayedUntil(JedisCommands redis, String id) {
        for (var t : redis.zrangeWithScores("sh:outbox:delayed", 0, -1)) {
            if (t.getElement().equals(id) || t.getElement().startsWith(id + "|")) {
                return t.getScore();
            }
        }
        return null;
    }

    /** The stream a message put off goes back to, or null. */
    public static String delayedTo(JedisCommands redis, String id) {
        for (String member : redis.zrange("sh:outbox:delayed", 0, -1)) {
            if (member.startsWith(id + "|")) {
                return member.substring(id.length() + 1);
            }
        }
        return null;
    }
}
