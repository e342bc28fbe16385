package org.shouhu.routes.route;

import java.time.Duration;

/**
 * The lease a worker takes on a message before it calls the provider, so that a second worker that
 * claimed the same outbox entry (the first was slow) does not send it too. The lease is dropped
 * when a send fails and is retried; it expires on its own after a crash.
 */
final class SendLease {

    /** Longer than one outbound batch with its provider calls and timeouts. */
    static final Duration TTL = Duration.ofMinutes(2);

    private SendLease() {
    }

    static String key(String messageId) {
        return "sending:" + messageId;
    }
}
