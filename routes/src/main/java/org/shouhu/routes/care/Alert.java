package org.shouhu.routes.care;

import java.time.Instant;

/**
 * A safety alert sent to every guardian in a scope ({@code site:ZT0427}, {@code county:威信县},
 * {@code city}), which guardians acknowledge with {@code 1}.
 */
public record Alert(String id, String scope, String kind, String text, Instant sentAt, int recipients) {
}
