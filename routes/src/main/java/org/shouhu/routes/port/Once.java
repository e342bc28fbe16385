package org.shouhu.routes.port;

import java.time.Duration;

/**
 * Remembers keys for a while so that something happens once: a repeated webhook is acted on once,
 * a stranger gets instructions once a day.
 */
public interface Once {

    /** True the first time a key is seen within {@code ttl}; false for every repeat. */
    boolean first(String key, Duration ttl);

    /** Whether a key is remembered now (without remembering it). */
    boolean seen(String key);

    /** Forgets a key, so a failed attempt can be retried. */
    void forget(String key);
}
