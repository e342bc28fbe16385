package org.shouhu.routes.care;

/** Why an escalation ladder opened: a child who did not arrive, or one nobody picked up. */
public enum LadderKind {
    NO_SHOW, OVERDUE
}
