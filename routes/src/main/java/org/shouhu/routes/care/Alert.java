package org.shouhu.routes.care;

import java.time.Instant;

/**
 * A safety alert sent to every guardian in a scope ({@code site:ZT0427}, {@code county:威信县},
 * {@code city}), which guardians acknowledge with {@code 1}; or a staff broadcast ({@link #NOTICE}).
 * {@code recipients} is 0 until its fan-out is expanded.
 */
public record Alert(String id, String scope, String kind, String text, Instant sentAt, int recipients) {

    /** The kind of a staff broadcast ({@code 通知 …}): routine, not acknowledged, opted-out guardians left out. */
    public static final String NOTICE = "notice";

    public boolean isNotice() {
        return NOTICE.equals(kind);
    }
}
