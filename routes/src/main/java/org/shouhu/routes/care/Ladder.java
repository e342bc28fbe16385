package org.shouhu.routes.care;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * An escalation about one child on one day: step 0 told the guardians, step 1 the site captain,
 * step 2 the county coordinator. It stays open until a guardian answers, staff check the child in
 * or out, or the last step is taken; every step is recorded with its time.
 *
 * @param steps      what happened, in order ({@code guardians@2026-07-15T00:30:00Z}, {@code closed:on-the-way@…})
 * @param closed     whether it is over
 */
public record Ladder(String siteCode, LocalDate date, String childId, LadderKind kind, int step,
                     List<String> steps, boolean closed) {

    /** The highest step: the county coordinator. */
    public static final int LAST_STEP = 2;

    public Ladder {
        steps = List.copyOf(steps);
    }

    /** The ladder's id, also its Redis key suffix: {@code NO_SHOW:ZT0427:2026-07-15:c12}. */
    public String id() {
        return id(kind, siteCode, date, childId);
    }

    public static String id(LadderKind kind, String siteCode, LocalDate date, String childId) {
        return kind + ":" + siteCode + ":" + date + ":" + childId;
    }

    /**
     * Whether it ended by taking its last step (the coordinator was told) rather than being closed for
     * a reason (a guardian answered, the child came): what it was about may still be unresolved.
     */
    public boolean ranOutOfSteps() {
        return closed && step >= LAST_STEP && steps.stream().noneMatch(s -> s.startsWith("closed:"));
    }

    /** Names a step for the record: {@code guardians}, {@code captain}, {@code coordinator}. */
    public static String stepName(int step) {
        return switch (step) {
            case 0 -> "guardians";
            case 1 -> "captain";
            default -> "coordinator";
        };
    }

    public static String entry(String what, Instant at) {
        return what + "@" + at;
    }
}
