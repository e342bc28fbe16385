package org.shouhu.gateway.admin;

import java.time.Instant;
import org.shouhu.routes.model.StoredMessage;

/** One outbound message as the admin API shows it: what went to whom (template by file name, {@code arrival}), and where its delivery stands. */
public record MessageView(String id, String to, String template, String text, String status, String error,
                          String providerId, int attempts, String createdAt, String updatedAt) {

    public static MessageView of(StoredMessage m) {
        return new MessageView(m.id(), m.to().value(), m.template().fileName(), m.text(), m.status().word(),
                m.errorCode(), m.providerId(), m.attempts(), instant(m.createdAt()), instant(m.updatedAt()));
    }

    private static String instant(Instant at) {
        return at == null ? null : at.toString();
    }
}
