package org.shouhu.routes.port;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;

/**
 * Remembers keys for a while so that something happens once: a stranger gets instructions once a
 * day, a redelivered message is sent by one worker at a time (its send lease). Provider messages are
 * acted on once through {@link InboundClaims}, whose done mark is written with the replies.
 */
public interface Once {

    /** True the first time a key is seen within {@code ttl}; false for every repeat. */
    boolean first(String key, Duration ttl);

    /** The keys among these seen for the first time within {@code ttl} (all remembered now), in one step. */
    Set<String> firstOf(Collection<String> keys, Duration ttl);

    /** Whether a key is remembered now (without remembering it). */
    boolean seen(String key);

    /** Forgets a key, so a failed attempt can be retried. */
    void forget(String key);
}
