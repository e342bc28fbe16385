package org.shouhu.routes.port;

import java.time.Duration;

/** Counts events per key in fixed windows, so that replies to one number can be capped. */
public interface RateLimiter {

    /** True while fewer than {@code limit} events were allowed for the key in the current window. */
    boolean tryAcquire(String key, int limit, Duration window);

    /** Counts one event for the key in the current window and returns how many there were. */
    long increment(String key, Duration window);
}
