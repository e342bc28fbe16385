package org.shouhu.routes.care;

/** Where a child is in today's closed loop of drop-off and pick-up. */
public enum ChildState {
    /** On today's roster, not yet checked in, absence not reported. */
    EXPECTED,
    /** Checked in by staff and not yet picked up. */
    ARRIVED,
    /** Picked up (or escorted home). */
    LEFT,
    /** A guardian reported the child absent today. */
    ABSENT
}
