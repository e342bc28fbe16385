package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.UnifiedJedis;

/**
 * What reports read without a look per child: each site's ladders by day, kept by the write that
 * opens a ladder; alerts by when they were sent, kept by the write that queues them; and, once,
 * what an earlier version wrote before these were kept.
 */
class ReportIndexesTest {

    static final LocalDate DAY = LocalDate.parse("2026-07-15");
    static final Instant OPEN = Instant.parse("2026-07-15T00:30:00Z");
    static final Address GRANDMA = new Address("+8613900000001");
    static final Address GRANDPA = new Address("+8613900000002");

    final UnifiedJedis redis = TestRedis.fresh();
    final RedisSafetyStore store = new RedisSafetyStore(redis, new RedisMessages(redis, Clock.fixed(OPEN, ZoneOffset.UTC)));

    @Test
    void aLadderIsAmongItsSitesLaddersOfItsDayFromTheWriteThatOpensIt() {
        open("ZT0427", DAY, "c1");
        open("ZT0427", DAY.plusDays(1), "c2");
        open("ZT0428", DAY, "c3");
        store.closeLadder(new Ladder("ZT0427", DAY, "c1", LadderKind.NO_SHOW, 0, List.of(), false), "closed:on-the-way@" + OPEN);

        List<Ladder> found = store.laddersOpened(List.of("ZT0427", "ZT0428"), DAY, DAY);

        assertEquals(List.of(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, "c1"), Ladder.id(LadderKind.NO_SHOW, "ZT0428", DAY, "c3")),
                found.stream().map(Ladder::id).toList());
        assertEquals(List.of("guardians@" + OPEN, "closed:on-the-way@" + OPEN), found.get(0).steps(), "closed ones too, with their log");
        assertEquals(List.of(Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY.plusDays(1), "c2")),
                store.laddersOpened(List.of("ZT0427"), DAY.plusDays(1), DAY.plusDays(9)).stream().map(Ladder::id).toList());
    }

    @Test
    void anAlertIsFoundByTheDayItWasSentWithWhoAcknowledgedAndABroadcastIsNot() {
        send(new Alert("a-ZT0427-2026-07-15", "site:ZT0427", "drowning", "不到河边玩水", OPEN, 2));
        send(new Alert("b-ZT0427-1", "site:ZT0427", Alert.NOTICE, "明天放假", OPEN.plusSeconds(60), 2));
        store.acknowledgeAlert(GRANDPA, OPEN.plusSeconds(600));

        List<Alert> sent = store.alertsSent(OPEN, OPEN.plusSeconds(86_400));

        assertEquals(List.of("a-ZT0427-2026-07-15"), sent.stream().map(Alert::id).toList(), "a broadcast is not acknowledged");
        assertEquals(List.of(), store.alertsSent(OPEN.minusSeconds(60), OPEN), "to is not included");
        assertEquals(Map.of("a-ZT0427-2026-07-15", new AlertAcknowledgements("a-ZT0427-2026-07-15", Set.of(GRANDMA, GRANDPA),
                        Map.of(GRANDPA, OPEN.plusSeconds(600)))), store.acknowledgements(List.of("a-ZT0427-2026-07-15")));
        assertEquals(Map.of("a-ZT0427-2026-07-15", new AlertAcknowledgements.Count(2, 1)),
                store.acknowledgementCounts(List.of("a-ZT0427-2026-07-15")));
    }

    @Test
    void whatAnEarlierVersionWroteIsIndexedOnceWhenANodeStarts() {
        open("ZT0427", DAY, "c1");
        send(new Alert("a-ZT0427-2026-07-15", "site:ZT0427", "drowning", "不到河边玩水", OPEN, 2));
        redis.del(Keys.siteLadders("ZT0427"), Keys.alertsSent()); // as a node of the earlier version left them

        assertEquals(2, store.indexKeptBeforeReports());

        assertEquals(1, store.laddersOpened(List.of("ZT0427"), DAY, DAY).size());
        assertEquals(1, store.alertsSent(OPEN, OPEN.plusSeconds(1)).size());
        redis.del(Keys.siteLadders("ZT0427"));
        assertEquals(0, store.indexKeptBeforeReports(), "once per Redis: a later start walks no keys");
        assertNull(redis.zscore(Keys.siteLadders("ZT0427"), Ladder.id(LadderKind.NO_SHOW, "ZT0427", DAY, "c1")));
    }

    private void open(String site, LocalDate date, String child) {
        store.openLadder(new Ladder(site, date, child, LadderKind.NO_SHOW, 0, List.of("guardians@" + OPEN), false),
                OPEN.plusSeconds(900), List.of(OutboundMessage.of(GRANDMA, TemplateKey.NO_SHOW_ALERT, Map.of("child", "王小明"),
                        MessageClass.SAFETY))).orElseThrow();
    }

    private void send(Alert alert) {
        store.queueAlert(alert, List.of(GRANDMA, GRANDPA), List.of(GRANDMA, GRANDPA).stream()
                .map(a -> OutboundMessage.of(a, TemplateKey.DROWNING_ALERT, Map.of("text", alert.text()), MessageClass.SAFETY))
                .toList()).orElseThrow();
    }
}
