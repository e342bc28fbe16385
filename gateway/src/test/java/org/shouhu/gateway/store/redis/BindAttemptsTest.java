package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.port.BindAttempts;
import org.shouhu.routes.port.BindAttempts.Verdict;

/** Invite-code tries on a real Redis: the lock is checked and the try counted in one step, whatever the concurrency. */
class BindAttemptsTest {

    static final Duration HOUR = Duration.ofHours(1);

    @Test
    void twentyTriesAtOnceFromOneAccountGetFiveThroughAndLockIt() throws Exception {
        BindAttempts attempts = new RedisBindAttempts(TestRedis.fresh(), Clock.systemUTC());
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<BindAttempts.Try>> tries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tries.add(pool.submit(() -> {
                start.await();
                return attempts.take("telegram:1", 5, HOUR);
            }));
        }
        start.countDown();
        int allowed = 0;
        for (Future<BindAttempts.Try> t : tries) {
            allowed += t.get().verdict() == Verdict.ALLOWED ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(5, allowed);
        assertEquals(Verdict.LOCKED, attempts.take("telegram:1", 5, HOUR).verdict());
        assertEquals(Verdict.ALLOWED, attempts.take("telegram:2", 5, HOUR).verdict(), "another account is not locked");
    }

    @Test
    void aRightCodeIsNotCountedAndTheFifthWrongOneLocks() {
        BindAttempts attempts = new RedisBindAttempts(TestRedis.fresh(), Clock.systemUTC());
        for (int i = 1; i <= 4; i++) {
            BindAttempts.Try t = attempts.take("wechat:o1", 5, HOUR);
            assertEquals(i, t.used());
            assertFalse(attempts.wrong("wechat:o1", t.used(), 5, 100, HOUR));
        }
        BindAttempts.Try right = attempts.take("wechat:o1", 5, HOUR);
        attempts.giveBack("wechat:o1", HOUR);
        assertEquals(5, right.used());
        BindAttempts.Try fifthWrong = attempts.take("wechat:o1", 5, HOUR);
        assertEquals(5, fifthWrong.used(), "the right code's try was given back");
        attempts.wrong("wechat:o1", fifthWrong.used(), 5, 100, HOUR);
        assertEquals(Verdict.LOCKED, attempts.take("wechat:o1", 5, HOUR).verdict());
    }

    @Test
    void theCityWidePauseStartsOnceAndEachCoordinatorIsToldOnce() {
        BindAttempts attempts = new RedisBindAttempts(TestRedis.fresh(), Clock.systemUTC());
        int started = 0;
        for (int i = 0; i < 120; i++) {
            started += attempts.wrong("telegram:" + i, 1, 5, 100, HOUR) ? 1 : 0;
        }
        assertEquals(1, started);
        assertEquals(Verdict.PAUSED, attempts.take("telegram:new", 5, HOUR).verdict());
        assertTrue(attempts.firstPauseNotice("+8613500000001", HOUR));
        assertFalse(new RedisBindAttempts(TestRedis.client(), Clock.systemUTC()).firstPauseNotice("+8613500000001", HOUR),
                "not again from another node in the same pause");
    }
}
