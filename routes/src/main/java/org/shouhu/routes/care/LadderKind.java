package org.shouhu.routes.care;

/** Why an escalation ladder opened: a child who did not arrive, or one nobody picked up. */
public enum LadderKind {
    NO_SHOW, OVERDUE;

    /**
     * Whether the child's day record still calls for this ladder: a no-show only while the child is
     * expected, an overdue one only while the child is there and no escort was asked for. Every
     * open and every step is taken only while this holds, checked in the same write.
     */
    public boolean calledFor(DayRecord r) {
        return this == NO_SHOW ? r.state() == ChildState.EXPECTED
                : r.state() == ChildState.ARRIVED && !r.escortRequested();
    }

    /** Why a ladder that the child's day no longer calls for closes ({@code checked-in}, {@code picked-up}, …). */
    public String closedBecause(DayRecord r) {
        return switch (r.state()) {
            case ARRIVED -> this == NO_SHOW ? "checked-in" : "escort";
            case LEFT -> this == NO_SHOW ? "left" : "picked-up";
            case ABSENT -> "absent";
            case EXPECTED -> "not-checked-in";
        };
    }
}
