package org.shouhu.routes.command;

/** What a command asks for, independent of how it was spelled or whether its arguments were good. */
public enum Verb {
    ACKNOWLEDGE,
    REPORT_ABSENT,
    REQUEST_ESCORT,
    QUERY_STATUS,
    HELP,
    REGISTER,
    OPT_OUT,
    OPT_IN,
    CHECK_IN,
    CHECK_OUT,
    MARK_ABSENT,
    LIST_MISSING,
    LIST_ROSTER,
    APPROVE,
    BROADCAST, BROADCAST_PROGRESS, RECORD_LESSON, INVITE, BIND, UNBIND
}
