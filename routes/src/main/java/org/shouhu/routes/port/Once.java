package org.shouhu.routes.port;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Remembers keys for a while so that something happens once: a repeated webhook is acted on once,
 * a stranger gets instructions once a day.
 */
public interface Once {

    /** True the first time a key is seen within {@code ttl}; false for every repeat. */
    boolean first(String key, Duration ttl);

    /**
     * {@link #first} and, only when it is the first time, one more on the fixed-window counter
     * {@code counter} ({@code window} long), in one step: the counter with this one, or 0 when the
     * key was seen before.
     */
    long firstCounted(String key, Duration ttl, String counter, Duration window);

    /** The keys among these seen for the first time within {@code ttl} (all remembered now), in one step. */
    Set<String> firstOf(Collection<String> keys, Duration ttl);

    /** Whether a key is remembered now (without remembering it). */
    boolean seen(String key);

    /** Forgets a key, so a failed attempt can be retried. */
    void forget(String key);
}
