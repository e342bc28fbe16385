package org.shouhu.routes.route;

import java.util.List;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Outbox;

/** Sends a message meant for an unreachable chat account to the phone that account gave, if any. */
final class FallbackToSms {

    private FallbackToSms() {
    }

    /** True when a fallback SMS was queued. */
    static boolean enqueue(StoredMessage message, CareStore care, Outbox outbox) {
        return care.fallbackPhone(message.to())
                .filter(phone -> !care.isOptedOut(phone))
                .map(phone -> {
                    outbox.enqueue(List.of(message.request().withTo(phone)));
                    return true;
                })
                .orElse(false);
    }
}
