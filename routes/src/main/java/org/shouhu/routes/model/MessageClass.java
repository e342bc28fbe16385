package org.shouhu.routes.model;

/** Why a message is sent, which decides whether opt-out and quiet hours hold it back. */
public enum MessageClass {
    /** An answer to the recipient's own message: always sent at once, even after opt-out. */
    REPLY,
    /** Confirmations, notices, reminders: suppressed after opt-out, held in quiet hours. */
    ROUTINE,
    /**
     * Safety alerts (no-show, overdue, drowning) and the notice that a chat account now follows the
     * recipient's child: sent at any hour; still suppressed after opt-out.
     */
    SAFETY
}
