package org.shouhu.routes.care;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.port.Pacer;

/**
 * How long messages still to send take at the rates the {@link Pacer} gives each channel (the
 * channels send side by side, so the slowest decides), and how an SMS to staff says it:
 * up to a minute "约1分钟内发完"; under an hour, whole minutes rounded up ("约5分钟发完");
 * from an hour, half hours rounded up ("约1.5小时发完").
 */
public final class SendingTime {

    private SendingTime() {
    }

    /** The time to send {@code leftByChannel} (messages per channel) at the pacer's rates now. */
    public static Duration of(Map<String, Integer> leftByChannel, Pacer pacer) {
        double seconds = 0;
        for (Map.Entry<String, Integer> left : leftByChannel.entrySet()) {
            double rate = pacer.rate(left.getKey());
            if (left.getValue() > 0 && rate > 0 && !Double.isInfinite(rate)) {
                seconds = Math.max(seconds, left.getValue() / rate);
            } else if (left.getValue() > 0 && rate <= 0) {
                seconds = Math.max(seconds, Duration.ofDays(1).toSeconds()); // paused: say it takes long, never "now"
            }
        }
        return Duration.ofMillis((long) Math.ceil(seconds * 1000));
    }

    /** Messages per channel of these addresses. */
    public static Map<String, Integer> byChannel(Iterable<Address> addresses) {
        Map<String, Integer> counts = new HashMap<>();
        for (Address a : addresses) {
            counts.merge(a.channel(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The template values that say how long {@code time} is: {@code withinMinute}, or {@code minutes},
     * or {@code hours} (one of them).
     */
    public static Map<String, String> wording(Duration time) {
        long seconds = time.toMillis() <= 0 ? 0 : (time.toMillis() + 999) / 1000;
        if (seconds <= 60) {
            return Map.of("withinMinute", "1");
        }
        long minutes = (seconds + 59) / 60;
        if (minutes < 60) {
            return Map.of("minutes", String.valueOf(minutes));
        }
        long halfHours = (seconds + 1799) / 1800;
        String hours = halfHours % 2 == 0 ? String.valueOf(halfHours / 2) : (halfHours / 2) + ".5";
        return Map.of("hours", hours);
    }
}
