package org.shouhu.routes.port;

import java.time.Duration;

/** Counts events per key in fixed windows: wrong invite codes, registrations a day. */
public interface RateLimiter {

    /** Counts one event for the key in the current window and returns how many there were. */
    long increment(String key, Duration window);
}
