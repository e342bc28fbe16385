package org.shouhu.gateway.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The provider calls this node saw refused in the last hour, by channel, outcome and error code, in
 * one-minute buckets on the gateway's clock: what {@code /metrics} counts since the node started,
 * over a window a person can read (the console's delivery health). Kept in memory, per node.
 */
public final class RecentSendErrors {

    /** How far back the counts reach. */
    public static final Duration WINDOW = Duration.ofHours(1);
    private static final long MINUTE = 60_000;
    private static final long BUCKETS = WINDOW.toMillis() / MINUTE;

    /** Refused calls of one channel, outcome ({@code throttled}, {@code transient}, {@code permanent}) and error code. */
    public record Count(String channel, String outcome, String error, long count) {
    }

    private record Key(String channel, String outcome, String error) {
    }

    private final Clock clock;
    /** By the minute (ms since the epoch / 60,000), each minute's counts. */
    private final TreeMap<Long, Map<Key, Long>> minutes = new TreeMap<>();

    public RecentSendErrors(Clock clock) {
        this.clock = clock;
    }

    /** One refused call, now. */
    public synchronized void add(String channel, String outcome, String error) {
        long minute = clock.millis() / MINUTE;
        minutes.headMap(minute - BUCKETS, true).clear();
        minutes.computeIfAbsent(minute, m -> new HashMap<>()).merge(new Key(channel, outcome, error), 1L, Long::sum);
    }

    /** The refused calls of the last hour (to the minute), most first. */
    public synchronized List<Count> lastHour() {
        long minute = clock.millis() / MINUTE;
        Map<Key, Long> sum = new HashMap<>();
        minutes.subMap(minute - BUCKETS, false, minute, true).values()
                .forEach(m -> m.forEach((k, n) -> sum.merge(k, n, Long::sum)));
        List<Count> out = new ArrayList<>();
        sum.forEach((k, n) -> out.add(new Count(k.channel(), k.outcome(), k.error(), n)));
        out.sort(Comparator.comparingLong(Count::count).reversed().thenComparing(Count::channel).thenComparing(Count::error));
        return out;
    }
}
