package org.shouhu.routes.care;

import java.time.Duration;
import org.shouhu.routes.port.BindAttempts;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.RateLimiter;

/**
 * {@link BindAttempts} over the generic {@link Once} and {@link RateLimiter} ports, for a care
 * service assembled without a store of its own for them: each step is several calls, not one
 * atomic step, so concurrent guesses can pass the lock; gateway nodes use the Redis one.
 */
final class CountedBindAttempts implements BindAttempts {

    private final Once once;
    private final RateLimiter limiter;

    CountedBindAttempts(Once once, RateLimiter limiter) {
        this.once = once;
        this.limiter = limiter;
    }

    @Override
    public Try take(String account, int limit, Duration window) {
        if (once.seen("bind-lock:" + account)) {
            return new Try(Verdict.LOCKED, limit);
        }
        if (once.seen("bind-paused")) {
            return new Try(Verdict.PAUSED, 0);
        }
        long used = limiter.increment("bind-fail:" + account, window);
        if (used > limit) {
            once.first("bind-lock:" + account, window);
            return new Try(Verdict.LOCKED, limit);
        }
        return new Try(Verdict.ALLOWED, used);
    }

    @Override
    public void giveBack(String account, Duration window) {
        // a fixed-window counter cannot count down: the right code's try stays counted
    }

    @Override
    public boolean wrong(String account, long used, int limit, int cityLimit, Duration window) {
        if (used >= limit) {
            once.first("bind-lock:" + account, window);
        }
        return limiter.increment("bind-fail:all", window) >= cityLimit && once.first("bind-paused", window);
    }

    @Override
    public boolean firstPauseNotice(String phone, Duration window) {
        return once.first("bind-paused-told:" + phone, window);
    }
}
