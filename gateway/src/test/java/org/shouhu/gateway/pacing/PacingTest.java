package org.shouhu.gateway.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.LaneWatch;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.routes.port.Sleeper;
import org.shouhu.routes.route.Channels;
import org.shouhu.routes.route.OutboundBatch;
import org.shouhu.routes.route.SendFailures;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * Pacing per sender, driven by a settable clock: a fake provider records when each message arrives
 * and from which number; waiting for a slot moves the clock instead of sleeping.
 */
class PacingTest {

    static final Instant START = Instant.parse("2026-07-15T01:00:00Z");
    static final Duration SECOND = Duration.ofSeconds(1);

    final SettableClock clock = new SettableClock(START);
    /** Waits by moving the clock to the slot (never back). */
    final Sleeper sleeper = at -> {
        if (at.isAfter(clock.instant())) {
            clock.set(at);
        }
    };
    final FakeProvider provider = new FakeProvider();
    final Messages messages = new Messages();
    UnifiedJedis redis;
    UnifiedJedis otherNode;

    /** One call the provider took: when, from which sender, which message. */
    record Arrival(Instant at, String from, String id) {
    }

    /** An SMS provider that records arrivals and throttles the calls {@code throttle} names (429, Retry-After 2 s). */
    final class FakeProvider implements ChannelSender {
        final List<Arrival> arrivals = Collections.synchronizedList(new ArrayList<>());
        final List<Arrival> throttled = new ArrayList<>();
        IntPredicate throttle = call -> false;
        int calls;

        @Override
        public String channel() {
            return Address.SMS;
        }

        @Override
        public SendReceipt send(Address to, String text, String messageId) {
            throw new AssertionError("a paced channel sends in its slot");
        }

        @Override
        public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
            Arrival arrival = new Arrival(clock.instant(), slot.sender(), message.id());
            if (throttle.test(++calls)) {
                throttled.add(arrival);
                throw SendFailedException.throttled("20429", "Too Many Requests", Duration.ofSeconds(2));
            }
            arrivals.add(arrival);
            return new SendReceipt("SM" + message.id(), DeliveryStatus.QUEUED);
        }
    }

    /** What the route recorded: receipts, holds (not attempts) and retries (attempts). */
    static final class Messages implements MessageStore {
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> held = Collections.synchronizedMap(new TreeMap<>());
        final List<String> retried = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void recordSent(List<Sent> receipts) {
            receipts.forEach(s -> sent.add(s.id()));
        }

        @Override
        public void holdUntil(Collection<StoredMessage> ms, String reason, Instant at) {
            ms.forEach(m -> held.put(m.id(), reason));
        }

        @Override
        public void retryAt(StoredMessage message, String errorCode, Instant at) {
            retried.add(message.id());
        }

        @Override
        public Optional<StoredMessage> load(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredMessage> loadAll(List<String> ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordSuppressed(StoredMessage message, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recordFailed(StoredMessage message, String errorCode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<StoredMessage> sentTo(Address to, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean record(org.shouhu.routes.port.DeliveryReport report) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void freshRedis() {
        redis = TestRedis.fresh();
        otherNode = new JedisPooled(TestRedis.url());
    }

    @AfterEach
    void closeOtherNode() {
        otherNode.close();
    }

    /** A pacer on a node already warm: its first calls are not counted late (see {@link #aNodesFirstCallOnANumberCountsHalfASecondLate}). */
    RedisPacer pacer(UnifiedJedis on, List<String> numbers, double perNumber) {
        return new RedisPacer(on, clock, Map.of(Address.SMS, new PacedChannel(numbers, perNumber, "twilio", 2000)), Duration.ZERO);
    }

    Channels channels(Pacer pacer) {
        return channels(pacer, LaneWatch.NONE);
    }

    Channels channels(Pacer pacer, LaneWatch ahead) {
        SendFailures failures = new SendFailures(messages, null, null, null, null, clock);
        return new Channels(List.of(provider), messages, failures, null, clock, pacer, sleeper, ahead);
    }

    static OutboundBatch<RenderedMessage> batch(int from, int n) {
        return batch(from, n, TemplateKey.ARRIVAL);
    }

    static OutboundBatch<RenderedMessage> batch(int from, int n, TemplateKey template) {
        List<RenderedMessage> batch = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            StoredMessage queued = StoredMessage.queued(new OutboundMessage("m" + i, new Address("+86139" + (10_000_000 + i)),
                    template, Map.of(), MessageClass.SAFETY), START);
            batch.add(new RenderedMessage(queued, "【守护托管】防溺水提醒", 1));
        }
        return new OutboundBatch<>(batch, Set.of());
    }

    /** The most arrivals in any window [t, t + 1 s). */
    static int busiestSecond(List<Arrival> arrivals) {
        List<Instant> times = arrivals.stream().map(Arrival::at).sorted().toList();
        int most = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (!times.get(j).plus(SECOND).isAfter(times.get(i))) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    static Duration closestGap(List<Arrival> arrivals) {
        List<Instant> times = arrivals.stream().map(Arrival::at).sorted().toList();
        Duration closest = Duration.ofDays(1);
        for (int i = 1; i < times.size(); i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            closest = gap.compareTo(closest) < 0 ? gap : closest;
        }
        return closest;
    }

    @Test
    void aBurstOfAHundredAtTenASecondIsSpreadAHundredMillisecondsApart() {
        channels(pacer(redis, List.of("+15005550001"), 10)).send(batch(1, 100));

        assertEquals(100, provider.arrivals.size(), "all sent in one batch (10 s, inside its 20 s)");
        assertEquals(100, messages.sent.size(), "and recorded");
        assertTrue(closestGap(provider.arrivals).compareTo(Duration.ofMillis(100)) >= 0,
                "no two closer than 100 ms: " + closestGap(provider.arrivals));
        assertEquals(10, busiestSecond(provider.arrivals), "no second over 10");
        assertEquals(START, provider.arrivals.get(0).at(), "the first at once");
        assertEquals(START.plusMillis(9900), provider.arrivals.get(99).at(), "N/rate: the hundredth after 9.9 s");
        assertEquals(Set.of("+15005550001"), senders(provider.arrivals));
    }

    @Test
    void aSlotKeptLateDoesNotBunchWithTheSlotsAfterItInAStrictWindow() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        List<Pacer.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 15; i++) { // as the sending threads reserve theirs ahead
            slots.add(pacer.reserve(Address.SMS));
        }
        List<Instant> started = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Instant at = i == 4 ? slots.get(i).at().plusMillis(50) : slots.get(i).at(); // the fifth's thread wakes 50 ms late
            clock.set(at.isAfter(clock.instant()) ? at : clock.instant());
            Instant again = pacer.start(Address.SMS, slots.get(i).sender());
            if (again != null) {
                clock.set(again);
                assertNull(pacer.start(Address.SMS, slots.get(i).sender()), "let go when it said");
            }
            started.add(clock.instant());
        }

        assertEquals(START.plusMillis(450), started.get(4), "the fifth went 50 ms late");
        assertEquals(START.plusMillis(500), started.get(5), "the sixth in its own slot");
        assertEquals(START.plusMillis(1300), started.get(13), "the fourteenth in its slot");
        assertEquals(START.plusMillis(1450), started.get(14),
                "the fifteenth waited until a second after the late one, not its slot at 1.4 s: else eleven in [0.45 s, 1.45 s)");
    }

    @Test
    void aNodesFirstCallOnANumberCountsHalfASecondLate() {
        RedisPacer cold = new RedisPacer(redis, clock, Map.of(Address.SMS, new PacedChannel(List.of("+15005550001"), 10, "twilio", 2000)));
        channels(cold).send(batch(1, 30));

        assertEquals(START, provider.arrivals.get(0).at(), "the first call at once");
        assertEquals(START.plusMillis(900), provider.arrivals.get(9).at(), "the next nine in their slots");
        assertEquals(START.plus(RedisPacer.COLD_CALL).plusSeconds(1), provider.arrivals.get(10).at(),
                "the eleventh a second after the first as if it had reached the provider half a second late");
        assertEquals(START.plusMillis(1600), provider.arrivals.get(11).at(), "and the slots go on from there, spaced");
        assertTrue(closestGap(provider.arrivals).compareTo(Duration.ofMillis(100)) >= 0, "" + closestGap(provider.arrivals));

        provider.arrivals.clear();
        clock.set(START.plusSeconds(60));
        channels(cold).send(batch(31, 11));
        assertEquals(START.plusSeconds(61), provider.arrivals.get(10).at(), "the node's later calls are warm");
    }

    @Test
    void aCallLetGoLateMovesTheNextSlotOnRatherThanBunchingToCatchUp() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        Pacer.Slot first = pacer.reserve(Address.SMS);
        clock.set(START.plusMillis(250)); // its call is let go 250 ms after its slot
        assertNull(pacer.start(Address.SMS, first.sender()));

        assertEquals(START.plusMillis(350), pacer.reserve(Address.SMS).at(), "an interval after the late call, not at once");
    }

    @Test
    void aNumberSlowedDownIsHeldToItsSlowerRateAsItsCallsStart() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        pacer.throttled(Address.SMS, "+15005550001", SECOND);
        clock.set(START.plusSeconds(2));
        pacer.throttled(Address.SMS, "+15005550001", SECOND); // a second throttle: a fifth slower, 8 a second
        clock.set(START.plusSeconds(10));
        for (int i = 0; i < 8; i++) {
            assertNull(pacer.start(Address.SMS, "+15005550001"), "call " + (i + 1) + " of a burst of eight");
        }

        assertEquals(START.plusSeconds(11), pacer.start(Address.SMS, "+15005550001"),
                "the ninth when the first is a second old: 8 a second, not the 10 it went before the throttles");
        assertEquals(8, redis.llen(RedisPacer.startsKey(Address.SMS, "+15005550001")), "nothing written for the refused one");
    }

    @ParameterizedTest(name = "{0} a second")
    @CsvSource({"3, 3", "7, 7", "30, 30", "9.8, 10", "0.5, 1"})
    void noSecondHoldsMoreCallsThanTheRateRoundedUpWhateverItsIntervalRoundsTo(double rate, int inASecond) {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), rate);
        for (int i = 0; i < inASecond; i++) {
            assertNull(pacer.start(Address.SMS, "+15005550001"), "call " + (i + 1));
        }

        Instant next = pacer.start(Address.SMS, "+15005550001");
        assertTrue(!next.isBefore(START.plusSeconds(1)), "the one too many waits a second at least: " + next);
        clock.set(next);
        assertNull(pacer.start(Address.SMS, "+15005550001"), "and goes when it was told");
    }

    @Test
    void twoNodesOnOneRedisTogetherStayWithinTheRate() {
        Channels nodeA = channels(pacer(redis, List.of("+15005550001"), 10));
        Channels nodeB = channels(pacer(otherNode, List.of("+15005550001"), 10));
        for (int i = 0; i < 20; i++) { // their batches take turns, as two nodes' workers would
            (i % 2 == 0 ? nodeA : nodeB).send(batch(1 + 5 * i, 5));
        }

        assertEquals(100, provider.arrivals.size());
        assertTrue(closestGap(provider.arrivals).compareTo(Duration.ofMillis(100)) >= 0, "" + closestGap(provider.arrivals));
        assertEquals(10, busiestSecond(provider.arrivals), "the two nodes together: no second over 10");
        assertEquals(START.plusMillis(9900), provider.arrivals.get(99).at(), "and not slower than the rate either");
    }

    @Test
    void concurrentReservationsFromTwoNodesNeverShareASlot() throws Exception {
        RedisPacer a = pacer(redis, List.of("+15005550001"), 10);
        RedisPacer b = pacer(otherNode, List.of("+15005550001"), 10);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Pacer.Slot>> slots = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RedisPacer node = i % 2 == 0 ? a : b;
            slots.add(threads.submit(() -> node.reserve(Address.SMS)));
        }
        Set<Instant> at = new HashSet<>();
        for (Future<Pacer.Slot> slot : slots) {
            at.add(slot.get().at());
        }
        threads.shutdown();

        Set<Instant> expected = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            expected.add(START.plusMillis(100L * i));
        }
        assertEquals(expected, at, "200 slots, each its own, 100 ms apart, with the clock standing still");
    }

    @Test
    void threeNumbersSendThreeTimesAsFastSpreadOverAllThree() {
        List<String> numbers = List.of("+15005550001", "+15005550002", "+15005550003");
        channels(pacer(redis, numbers, 10)).send(batch(1, 300));

        assertEquals(300, provider.arrivals.size());
        assertEquals(30, busiestSecond(provider.arrivals), "30 a second together");
        assertEquals(START.plusMillis(9901), provider.arrivals.get(299).at(),
                "300 in 9.9 s, the third number 1 ms behind the first: the account's 2000 a second keeps any two 0.5 ms apart");
        for (String number : numbers) {
            List<Arrival> from = provider.arrivals.stream().filter(a -> number.equals(a.from())).toList();
            assertEquals(100, from.size(), number);
            assertEquals(10, busiestSecond(from), number + ": no second over its 10");
            assertTrue(closestGap(from).compareTo(Duration.ofMillis(100)) >= 0, number);
        }
    }

    @Test
    void anIsolatedThrottleWaitsItsRetryAfterAtFullRateAndIsNotAnAttempt() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        provider.throttle = call -> call == 11; // the eleventh call: 429, Retry-After 2 s
        channels(pacer).send(batch(1, 40));

        assertEquals(List.of("m11"), provider.throttled.stream().map(Arrival::id).toList());
        assertEquals(Map.of("m11", "20429"), messages.held, "held until the provider's wait, not retried");
        assertEquals(List.of(), messages.retried, "a throttle is not an attempt");
        assertEquals(39, provider.arrivals.size(), "the rest went on");

        Instant throttledAt = provider.throttled.get(0).at();
        List<Arrival> after = provider.arrivals.stream().filter(a -> a.at().isAfter(throttledAt)).toList();
        assertEquals(throttledAt.plusSeconds(2), after.get(0).at(), "the next only after Retry-After");
        assertEquals(Duration.ofMillis(100), closestGap(after), "then at its rate: one 429 in a strict window is jitter");
        assertEquals(10.0, pacer.rate(Address.SMS), 1e-9);
        assertEquals(2, pacer.batchSize(Address.SMS), "200 ms of slots");
    }

    @Test
    void aSecondThrottleWithinAMinuteSlowsANumberByAFifthEachTimeDownToAQuarter() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        pacer.throttled(Address.SMS, "+15005550001", SECOND);
        assertEquals(10.0, pacer.rate(Address.SMS), 1e-9, "one 429: only its Retry-After");
        clock.set(clock.instant().plusMillis(500));
        pacer.throttled(Address.SMS, "+15005550001", SECOND);
        assertEquals(10.0, pacer.rate(Address.SMS), 1e-9, "429s of one moment (a batch in flight) count once");
        clock.set(clock.instant().plusMillis(1500));
        pacer.throttled(Address.SMS, "+15005550001", SECOND);
        assertEquals(8.0, pacer.rate(Address.SMS), 1e-9, "again 2 s later: the rate is too high for the provider, a fifth slower");
        for (int i = 0; i < 20; i++) {
            clock.set(clock.instant().plusSeconds(2));
            pacer.throttled(Address.SMS, "+15005550001", SECOND);
        }
        assertEquals(2.5, pacer.rate(Address.SMS), 1e-9, "a throttling provider keeps it at a quarter, not a crawl");
        clock.set(clock.instant().plus(RedisPacer.SLOW_FOR).plusMillis(1));
        assertEquals(10.0, pacer.rate(Address.SMS), 1e-9, "a minute without a throttle: back to its rate");
        pacer.throttled(Address.SMS, "+15005550001", SECOND);
        assertEquals(10.0, pacer.rate(Address.SMS), 1e-9, "and the next 429 is an isolated one again");
    }

    @Test
    void aPacedFanOutGivesItsSlotsBackWhenAHigherLaneComesInBehindIt() {
        // a no-show alert is queued while the fan-out's third message waits for its slot
        channels(pacer(redis, List.of("+15005550001"), 10), channel -> provider.arrivals.size() >= 2)
                .send(batch(1, 5, TemplateKey.DROWNING_ALERT));

        assertEquals(List.of("m1", "m2"), provider.arrivals.stream().map(Arrival::id).toList());
        assertEquals(Map.of("m3", "gave-way", "m4", "gave-way", "m5", "gave-way"), messages.held,
                "back in the outbox at once, so the worker reads the higher lane next");
        assertEquals(List.of(), messages.retried, "giving way is not an attempt");
    }

    @Test
    void onlyBulkGivesWayAndOnlyWhenPaced() {
        LaneWatch always = channel -> true;
        channels(pacer(redis, List.of("+15005550001"), 10), always).send(batch(1, 3)); // arrival confirmations
        channels(Pacer.UNPACED, always).send(batch(4, 3, TemplateKey.DROWNING_ALERT));

        assertEquals(6, provider.arrivals.size(), "a confirmation takes its slot; an unpaced fan-out has no slot to give");
        assertEquals(Map.of(), messages.held);
    }

    @Test
    void aThrottledNumberIsRoutedAroundWhileTheOthersGoOn() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001", "+15005550002"), 10);
        provider.throttle = call -> call == 3;
        channels(pacer).send(batch(1, 20));

        String slowed = provider.throttled.get(0).from();
        Instant throttledAt = provider.throttled.get(0).at();
        assertFalse(provider.arrivals.stream().anyMatch(a -> a.from().equals(slowed)
                && a.at().isAfter(throttledAt) && a.at().isBefore(throttledAt.plusSeconds(2))), "the throttled number rests");
        assertTrue(provider.arrivals.stream().anyMatch(a -> !a.from().equals(slowed)
                && a.at().isAfter(throttledAt) && a.at().isBefore(throttledAt.plusSeconds(2))), "the other goes on meanwhile");
        assertEquals(19, provider.arrivals.size());
    }

    @Test
    void aSlotLaterThanTheBatchMayTakeHandsTheRestBack() {
        RedisPacer pacer = pacer(redis, List.of("+15005550001"), 10);
        pacer.throttled(Address.SMS, "+15005550001", Duration.ofSeconds(45)); // another node was told to wait 45 s
        channels(pacer).send(batch(1, 3));

        assertEquals(List.of(), provider.arrivals, "nothing sent before the provider's wait");
        assertEquals(Map.of("m1", "paced", "m2", "paced", "m3", "paced"), messages.held, "all back in the outbox, no attempt");
        assertEquals(START, clock.instant(), "and no waiting for it");
    }

    @Test
    void batchSizeIsAboutTheNextTwoHundredMillisecondsOfSlots() {
        assertEquals(2, pacer(redis, List.of("+15005550001"), 10).batchSize(Address.SMS));
        assertEquals(6, pacer(redis, List.of("+15005550001", "+15005550002", "+15005550003"), 10).batchSize(Address.SMS));
        assertEquals(1, pacer(redis, List.of("+15005550001"), 1).batchSize(Address.SMS), "at least one");
        assertEquals(50, pacer(redis, List.of("+15005550001"), 1000).batchSize(Address.SMS), "at most 50");
        assertEquals(30.0, pacer(redis, List.of("+15005550001", "+15005550002", "+15005550003"), 10).rate(Address.SMS), 1e-9);
    }

    @Test
    void anAccountCapHoldsAllItsNumbersTogether() {
        RedisPacer pacer = new RedisPacer(redis, clock, Map.of(Address.SMS,
                new PacedChannel(List.of("+15005550001", "+15005550002", "+15005550003"), 10, "twilio", 20)));
        channels(pacer).send(batch(1, 100));

        assertEquals(20, busiestSecond(provider.arrivals), "three numbers of 10, an account of 20");
        assertEquals(20.0, pacer.rate(Address.SMS), 1e-9);
    }

    @Test
    void anUnpacedChannelCostsNoRoundTrip() {
        try (UnifiedJedis nowhere = new JedisPooled("redis://127.0.0.1:1")) { // any command would fail
            RedisPacer pacer = new RedisPacer(nowhere, clock, Map.of("telegram", PacedChannel.single(30)));
            assertEquals(new Pacer.Slot(null, Instant.MIN), pacer.reserve(Address.SMS));
            assertEquals(Integer.MAX_VALUE, pacer.batchSize(Address.SMS));
            assertEquals(Double.POSITIVE_INFINITY, pacer.rate(Address.SMS));
            pacer.throttled(Address.SMS, null, SECOND);
            channels(pacer).send(batch(1, 50));
        }
        assertEquals(50, provider.arrivals.size());
        assertEquals(START, provider.arrivals.get(49).at(), "all at once");
    }

    private static Set<String> senders(List<Arrival> arrivals) {
        Set<String> from = new HashSet<>();
        arrivals.forEach(a -> from.add(a.from()));
        return from;
    }
}
