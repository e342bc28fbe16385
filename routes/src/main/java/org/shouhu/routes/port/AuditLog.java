package org.shouhu.routes.port;

import java.time.Instant;
import java.util.List;

/** An append-only log of changes made through the admin API: who, when, what. Entries are never changed or removed. */
public interface AuditLog {

    /** One change: who made it (the token's holder), when, and what (method, path with phones masked, answer status). */
    record Entry(String id, Instant at, String who, String what, int status) {
    }

    /** Appends a change. */
    void append(String who, Instant at, String what, int status);

    /** The latest {@code limit} changes, newest first. */
    List<Entry> latest(int limit);
}
