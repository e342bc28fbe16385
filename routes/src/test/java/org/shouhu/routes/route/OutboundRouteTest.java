package org.shouhu.routes.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.SafetySettings;
import org.shouhu.routes.command.CommandParser;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;
import org.shouhu.templates.Templates;

/**
 * The outbound Camel route as the outbox worker drives it ({@code direct:outbound}, a batch of
 * entries), with the stores faked in memory: a provider's refusal is one message's outcome and the
 * route completes; a failure of the route itself (Redis away) reaches the caller, so the entries are
 * not acknowledged, and the send leases the batch took are let go by the route's {@code onException}.
 */
class OutboundRouteTest extends CamelTestSupport {

    static final Instant NOW = Instant.parse("2026-07-15T02:00:00Z"); // 10:00 in the sites' zone: no quiet hours
    static final String REFUSED = "+8613912340003";

    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final List<String> forgotten = new CopyOnWriteArrayList<>();
    final Map<String, StoredMessage> records = new java.util.concurrent.ConcurrentHashMap<>();
    volatile boolean redisAway;

    @SuppressWarnings("unchecked")
    private <T> T fake(Class<T> type, java.util.function.BiFunction<String, Object[], Object> calls) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> calls.apply(method.getName(), args));
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        Clock clock = Clock.fixed(NOW, ZoneId.of("UTC"));
        CareStore care = fake(CareStore.class, (name, args) -> switch (name) {
            case "optedOutAmong", "unreachableAmong" -> Set.of();
            default -> throw new UnsupportedOperationException(name);
        });
        MessageStore messages = fake(MessageStore.class, (name, args) -> {
            switch (name) {
                case "loadAll" -> {
                    List<StoredMessage> found = new ArrayList<>();
                    ((List<String>) args[0]).forEach(id -> { if (records.containsKey(id)) found.add(records.get(id)); });
                    return found;
                }
                case "recordSent" -> {
                    if (redisAway) {
                        throw new IllegalStateException("Redis went away");
                    }
                    ((List<MessageStore.Sent>) args[0]).forEach(s -> sent.add(s.id()));
                }
                case "recordFailed" -> failed.add(((StoredMessage) args[0]).id() + ":" + args[1]);
                default -> throw new UnsupportedOperationException(name);
            }
            return null;
        });
        Once once = fake(Once.class, (name, args) -> switch (name) {
            case "firstOf" -> new HashSet<>((Collection<String>) args[0]);
            case "forget" -> {
                forgotten.add((String) args[0]);
                yield null;
            }
            default -> throw new UnsupportedOperationException(name);
        });
        Outbox outbox = fake(Outbox.class, (name, args) -> List.of());
        SafetyStore safety = fake(SafetyStore.class, (name, args) -> {
            throw new UnsupportedOperationException(name);
        });
        ChannelSender sms = new ChannelSender() {
            @Override
            public String channel() {
                return Address.SMS;
            }

            @Override
            public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
                if (to.value().equals(REFUSED)) {
                    throw SendFailedException.permanent("21211", "not a valid number");
                }
                return new SendReceipt("SM" + messageId, DeliveryStatus.QUEUED);
            }
        };
        CareDay day = new CareDay(clock, ZoneId.of("Asia/Shanghai"));
        SendFailures failures = new SendFailures(messages, care, safety, outbox, once, clock);
        return new ShouhuRoutes(new ShouhuRoutes.Beans(new InboundOnce(null, clock) /* the outbound route never claims */, care, new CommandParser(), null,
                new ReplyCap(20), new Recipients(care, messages, outbox, once, day, SafetySettings.defaults()),
                new MessageRenderer(Templates.smsZh(), Templates.chatZh(), "【守护托管】"),
                new Channels(List.of(sms), messages, failures, once, clock)));
    }

    private static StoredMessage help(String id, String to) {
        return StoredMessage.queued(new OutboundMessage(id, new Address(to), TemplateKey.HELP_GUARDIAN, Map.of(),
                MessageClass.REPLY), NOW);
    }

    @Test
    void aProvidersRefusalIsOneMessagesOutcomeAndTheRestOfTheBatchIsSent() {
        template.sendBody(ShouhuRoutes.OUTBOUND, List.of(OutboxEntry.first(help("m1", "+8613912340001")),
                OutboxEntry.first(help("m2", REFUSED)), OutboxEntry.first(help("m3", "+8613912340005"))));

        assertEquals(List.of("m1", "m3"), sent);
        assertEquals(List.of("m2:21211"), failed);
    }

    @Test
    void aBatchTheRouteFailsOnReachesTheWorkerAndLetsGoOfItsSendLeases() {
        StoredMessage retry = help("m7", "+8613912340001");
        records.put("m7", retry);
        redisAway = true;

        assertThrows(CamelExecutionException.class, () -> template.sendBody(ShouhuRoutes.OUTBOUND,
                List.of(OutboxEntry.first(help("m6", "+8613912340005")), OutboxEntry.again("m7"))));

        assertEquals(List.of(), sent, "nothing recorded");
        assertTrue(forgotten.contains(SendLease.key("m7")), "the redelivery's lease is let go: " + forgotten);
        assertEquals(1, forgotten.size(), "a first delivery holds none: " + forgotten);
    }
}
