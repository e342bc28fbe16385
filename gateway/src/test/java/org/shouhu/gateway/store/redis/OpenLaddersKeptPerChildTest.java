package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import redis.clients.jedis.UnifiedJedis;

/**
 * A node started during a site day adopts the ladders an older node kept one set per child, so a
 * guardian's reply still closes them and no captain is called for a child already on the way.
 */
class OpenLaddersKeptPerChildTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-07-15T01:05:00Z"), ZoneOffset.UTC);
    static final LocalDate DAY = LocalDate.of(2026, 7, 15);

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisSafetyStore store = new RedisSafetyStore(redis, new RedisMessages(redis, CLOCK));

    @Test
    void openLaddersInPerChildSetsMoveToTheirSiteDaysSetAndClosedOnesDoNot() {
        Ladder waiting = keptTheOldWay("c1", false);
        keptTheOldWay("c2", true);
        assertEquals(List.of(), store.openLadders("ZT0427", DAY, List.of("c1")), "the old sets are not read");

        assertEquals(1, store.adoptOpenLaddersKeptPerChild());

        assertEquals(List.of(waiting.id()), store.openLadders("ZT0427", DAY, List.of("c1", "c2")).stream()
                .map(Ladder::id).toList());
        assertTrue(redis.ttl(Keys.openLadders("ZT0427", DAY)) > 0, "the site day's set expires");
        store.closeLadder(waiting, "08:50 guardian: 1");
        assertEquals(0, store.adoptOpenLaddersKeptPerChild(), "the next node to start finds it closed, and adds nothing");
        assertEquals(List.of(), store.openLadders("ZT0427", DAY, List.of("c1", "c2")));
    }

    @Test
    void aLadderThatCannotBeReadDoesNotStopANodeFromStarting() {
        Ladder waiting = keptTheOldWay("c1", false);
        redis.set("sh:ladders:ZT0427:" + DAY + ":c9", "not a set"); // only a bug could leave this

        assertEquals(1, store.adoptOpenLaddersKeptPerChild());

        assertEquals(List.of(waiting.id()), store.openLadders("ZT0427", DAY, List.of("c1")).stream().map(Ladder::id).toList());
    }

    /** A no-show ladder opened by a node of the last version: in the set of its child, not of its site day. */
    private Ladder keptTheOldWay(String child, boolean closed) {
        Ladder ladder = new Ladder("ZT0427", DAY, child, LadderKind.NO_SHOW, 1, List.of("08:30 guardians"), false);
        store.openLadder(ladder, CLOCK.instant().plusSeconds(900), List.of());
        redis.srem(Keys.openLadders("ZT0427", DAY), ladder.id());
        redis.sadd("sh:ladders:ZT0427:" + DAY + ":" + child, ladder.id());
        if (closed) {
            redis.hset(Keys.ladder(ladder.id()), "closed", "1");
        }
        return ladder;
    }
}
