package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalTime;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import redis.clients.jedis.UnifiedJedis;

/** Two store instances (two nodes) on one Redis: a write on one drops the other's cached entries at once, not after 10 s. */
class CacheInvalidationTest {

    static final String SITE = "ZT0427";
    static final Phone VOLUNTEER = new Phone("+8613800000002");

    @Test
    void aWriteOnOneNodeDropsWhatTheOtherCached() throws Exception {
        UnifiedJedis redis = TestRedis.fresh();
        RedisCareStore a = new RedisCareStore(redis);
        RedisCareStore b = new RedisCareStore(redis);
        try (CacheInvalidation la = a.listenForInvalidations(); CacheInvalidation lb = b.listenForInvalidations()) {
            within(() -> la.isListening() && lb.isListening());
            a.putSite(new Site(SITE, "永丰小学托管点", "昭阳区", LocalTime.of(8, 0), LocalTime.of(17, 30)));
            a.putStaff(new StaffMember(VOLUNTEER, SITE, "李志愿者", StaffRole.VOLUNTEER));
            String wang = a.addChild(SITE, "王小明", List.of(new Guardian(new Address("+8613912345678"), "奶奶"))).id();
            Address volunteer = Address.of(VOLUNTEER);
            assertTrue(b.identify(volunteer).isStaff());
            assertEquals(1, b.roster(SITE).size());

            new RedisRemovals(redis, a).removeStaff(SITE, VOLUNTEER);
            within(() -> !b.identify(volunteer).isStaff());
            a.addChild(SITE, "李小红", List.of());
            within(() -> b.roster(SITE).size() == 2);
            new RedisRemovals(redis, a).eraseChild(wang);
            within(() -> b.roster(SITE).size() == 1 && !b.identify(new Address("+8613912345678")).isGuardian());
        }
    }

    /** Waits at most one second for the condition (the listener is another thread). */
    private static void within(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 1 s");
            Thread.sleep(5);
        }
    }
}
