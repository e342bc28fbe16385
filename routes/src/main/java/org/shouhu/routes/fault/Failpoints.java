package org.shouhu.routes.fault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named crash points for the fault suite: code calls {@link #hit(String)} at a moment where a
 * crash matters (after an effect is stored, before its messages are queued…), and a node started
 * with {@code SHOUHU_FAILPOINTS=name=halt@3,other=throw} dies there like {@code kill -9}
 * ({@code halt}: {@link Runtime#halt}, no shutdown hooks, nothing flushed) or fails the call
 * ({@code throw}); {@code @N} acts on the N-th hit only. Off unless configured, which the gateway
 * refuses without {@code SHOUHU_ALLOW_FAILPOINTS=true}: a hit is then one map look-up.
 */
public final class Failpoints {

    /** What a configured point does when hit. */
    public enum Action { HALT, THROW }

    private record Point(Action action, long nth, AtomicLong hits) {
    }

    private static final Map<String, Point> POINTS = new ConcurrentHashMap<>();

    private Failpoints() {
    }

    /**
     * Arms the points of a {@code SHOUHU_FAILPOINTS} value ({@code name=halt|throw[@N]}, comma
     * separated), replacing any armed before; blank disarms all.
     *
     * @throws IllegalArgumentException naming the part that is not of that form
     */
    public static void configure(String spec) {
        Map<String, Point> points = parse(spec);
        POINTS.clear();
        POINTS.putAll(points);
    }

    /** Checks a {@code SHOUHU_FAILPOINTS} value without arming it (throws as {@link #configure} does). */
    public static void check(String spec) {
        parse(spec);
    }

    private static Map<String, Point> parse(String spec) {
        Map<String, Point> points = new ConcurrentHashMap<>();
        if (spec == null || spec.isBlank()) {
            return points;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("SHOUHU_FAILPOINTS: \"" + part + "\" is not name=halt|throw[@N]");
            }
            String[] an = kv[1].strip().split("@", 2);
            Action action;
            try {
                action = Action.valueOf(an[0].strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SHOUHU_FAILPOINTS: \"" + an[0] + "\" is neither halt nor throw");
            }
            long nth = 0;
            if (an.length == 2) {
                try {
                    nth = Long.parseLong(an[1].strip());
                } catch (NumberFormatException e) {
                    nth = -1;
                }
                if (nth < 1) {
                    throw new IllegalArgumentException("SHOUHU_FAILPOINTS: \"@" + an[1] + "\" must be a whole number ≥ 1");
                }
            }
            points.put(kv[0].strip(), new Point(action, nth, new AtomicLong()));
        }
        return points;
    }

    /** Marks a crash point: does nothing unless {@code name} is armed. */
    public static void hit(String name) {
        if (POINTS.isEmpty()) {
            return;
        }
        Point point = POINTS.get(name);
        if (point == null) {
            return;
        }
        long n = point.hits().incrementAndGet();
        if (point.nth() != 0 && n != point.nth()) {
            return;
        }
        if (point.action() == Action.HALT) {
            System.err.println("failpoint " + name + ": halting the process (hit " + n + ")");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
        throw new FailpointException(name);
    }

    /** Thrown by a point armed with {@code throw}. */
    public static final class FailpointException extends RuntimeException {
        FailpointException(String name) {
            super("failpoint " + name);
        }
    }
}
