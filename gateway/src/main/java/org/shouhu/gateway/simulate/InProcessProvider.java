package org.shouhu.gateway.simulate;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.SendReceipt;

/**
 * The season simulation's SMS provider, in process: accepts every message at once, counts them by
 * class and template, and remembers the safety alerts so the simulation can answer them and find
 * duplicates. It stands where the Twilio sender would, behind the real outbound route.
 */
final class InProcessProvider implements ChannelSender {

    /** A safety alert as a phone received it. */
    record Received(Address to, String template, long at) {
    }

    private final Clock clock;
    private final Map<String, AtomicLong> byClass = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byTemplate = new ConcurrentHashMap<>();
    /** Today's alerts by day, phone, template and text: more than one is a duplicate. */
    private final Map<String, AtomicLong> alertsPerDay = new ConcurrentHashMap<>();
    private final List<Received> alerts = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private long duplicates;

    InProcessProvider(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String channel() {
        return Address.SMS;
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) {
        throw new UnsupportedOperationException("the outbound route sends rendered messages");
    }

    @Override
    public SendReceipt send(RenderedMessage message) {
        String template = message.template().name();
        byClass.computeIfAbsent(message.kind().name(), k -> new AtomicLong()).incrementAndGet();
        byTemplate.computeIfAbsent(template, k -> new AtomicLong()).incrementAndGet();
        if (template.contains("_ALERT")) { // NO_SHOW_ALERT, OVERDUE_ALERT, DROWNING_ALERT and its days-off forms
            long day = clock.millis() / 86_400_000L;
            alertsPerDay.computeIfAbsent(day + "|" + message.to().value() + "|" + template + "|" + message.text(),
                    k -> new AtomicLong()).incrementAndGet();
            synchronized (alerts) {
                alerts.add(new Received(message.to(), template, clock.millis()));
            }
        }
        return new SendReceipt("SIM" + sequence.incrementAndGet(), DeliveryStatus.QUEUED);
    }

    /**
     * Alerts received since the last call, in a fixed order (by phone, then template): they arrive
     * from several sending threads, and the simulation answers them with its seeded random numbers.
     */
    List<Received> takeAlerts() {
        synchronized (alerts) {
            List<Received> copy = new ArrayList<>(alerts);
            alerts.clear();
            copy.sort(Comparator.comparing((Received r) -> r.to().value()).thenComparing(Received::template)
                    .thenComparingLong(Received::at));
            return copy;
        }
    }

    /** Closes a simulated day: counts its duplicates and forgets its alerts, so the season's bookkeeping stays small. */
    void endDay() {
        duplicates += alertsPerDay.values().stream().mapToLong(n -> Math.max(0, n.get() - 1)).sum();
        alertsPerDay.clear();
    }

    /** The same alert text to the same phone twice on one day, over the days ended so far. */
    long duplicates() {
        return duplicates;
    }

    Map<String, Long> byClass() {
        return snapshot(byClass);
    }

    Map<String, Long> byTemplate() {
        return snapshot(byTemplate);
    }

    long total() {
        return byClass.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
