package org.shouhu.routes.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;

/** A batch whose provider is slow hands back what it has not tried before its send leases run out. */
class ChannelsTest {

    /** A clock that each provider call moves on. */
    static final class Ticking extends Clock {
        Instant now = Instant.parse("2026-07-15T09:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final Ticking clock = new Ticking();
    final List<String> recorded = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<String> handedBack = new ArrayList<>();
    final List<String> leasesDropped = new ArrayList<>();

    @SuppressWarnings("unchecked")
    final MessageStore messages = (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(),
            new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "recordSent" -> ((List<MessageStore.Sent>) args[0]).forEach(s -> recorded.add(s.id()));
                    case "holdUntil" -> {
                        assertEquals("batch-too-slow", args[1]);
                        assertEquals(clock.now, args[2], "handed back to go at once");
                        ((Collection<StoredMessage>) args[0]).forEach(m -> handedBack.add(m.id()));
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                }
                return null;
            });

    final Once once = (Once) Proxy.newProxyInstance(Once.class.getClassLoader(), new Class<?>[] {Once.class},
            (proxy, method, args) -> {
                if (!method.getName().equals("forget")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                leasesDropped.add((String) args[0]);
                return null;
            });

    private Channels channels(Duration perCall) {
        ChannelSender sms = new ChannelSender() {
            @Override
            public String channel() {
                return Address.SMS;
            }

            @Override
            public SendReceipt send(Address to, String text, String messageId) {
                clock.now = clock.now.plus(perCall);
                return new SendReceipt("SM" + messageId, DeliveryStatus.QUEUED);
            }
        };
        return new Channels(List.of(sms), messages, null, once, clock);
    }

    /** {@code n} messages, the even-numbered ones redeliveries whose send lease this worker holds. */
    private static OutboundBatch<RenderedMessage> batch(int n) {
        List<RenderedMessage> batch = new ArrayList<>();
        java.util.Set<String> leased = new java.util.HashSet<>();
        for (int i = 1; i <= n; i++) {
            StoredMessage queued = StoredMessage.queued(new OutboundMessage("m" + i, new Address("+8613912345678"),
                    TemplateKey.ARRIVAL, java.util.Map.of(), MessageClass.ROUTINE), Instant.EPOCH);
            batch.add(new RenderedMessage(queued, "【守护托管】王小明 08:05 已到永丰小学托管点。", 1));
            if (i % 2 == 0) {
                leased.add("m" + i);
            }
        }
        return new OutboundBatch<>(batch, leased);
    }

    @ParameterizedTest(name = "50 messages, {0} s a call: {1} sent, the rest handed back")
    @CsvSource({"0, 50", "1, 21", "10, 3", "30, 1", "61, 1"})
    void aSlowBatchHandsBackWhatItHasNotTriedWellBeforeAnotherWorkerMayClaimIt(int secondsPerCall, int sent) {
        channels(Duration.ofSeconds(secondsPerCall)).send(batch(50));
        assertEquals(sent, recorded.size(), "sent and recorded");
        assertEquals(50 - sent, handedBack.size());
        assertEquals(handedBack.stream().filter(id -> Integer.parseInt(id.substring(1)) % 2 == 0).map(SendLease::key).toList(),
                leasesDropped, "only the leases this worker holds are let go; first deliveries have none");
        if (sent < 50) {
            assertEquals("m" + (sent + 1), handedBack.get(0), "in order, from the first not tried");
        }
    }

    @org.junit.jupiter.api.Test
    void aChannelThatHangsDoesNotHoldUpAnotherChannelsMessagesInTheSameBatch() {
        java.util.concurrent.CountDownLatch smsSent = new java.util.concurrent.CountDownLatch(3);
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        ChannelSender telegram = new ChannelSender() {
            @Override
            public String channel() {
                return "telegram";
            }

            @Override
            public SendReceipt send(Address to, String text, String messageId) {
                try { // a provider that answers only after a long while
                    seen.add(smsSent.await(5, java.util.concurrent.TimeUnit.SECONDS) ? "sms went meanwhile" : "sms waited");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new SendReceipt("tg" + messageId, DeliveryStatus.SENT);
            }
        };
        ChannelSender sms = new ChannelSender() {
            @Override
            public String channel() {
                return Address.SMS;
            }

            @Override
            public SendReceipt send(Address to, String text, String messageId) {
                smsSent.countDown();
                return new SendReceipt("SM" + messageId, DeliveryStatus.QUEUED);
            }
        };
        List<RenderedMessage> batch = new ArrayList<>();
        batch.add(rendered("m1", "telegram:5839124067"));
        for (int i = 2; i <= 4; i++) {
            batch.add(rendered("m" + i, "+861391234567" + i));
        }

        new Channels(List.of(sms, telegram), messages, null, once, clock).send(new OutboundBatch<>(batch, java.util.Set.of()));

        assertEquals(List.of("sms went meanwhile"), seen, "the SMS did not wait for Telegram's answer");
        assertEquals(java.util.Set.of("m1", "m2", "m3", "m4"), new java.util.HashSet<>(recorded), "every receipt recorded");
    }

    private static RenderedMessage rendered(String id, String to) {
        StoredMessage queued = StoredMessage.queued(new OutboundMessage(id, new Address(to), TemplateKey.ARRIVAL,
                java.util.Map.of(), MessageClass.ROUTINE), Instant.EPOCH);
        return new RenderedMessage(queued, "王小明 08:05 已到永丰小学托管点。", 1);
    }
}
