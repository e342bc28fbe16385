package org.shouhu.routes.route;

import java.time.Duration;

/**
 * The lease a worker takes on a redelivered message (a retry, a hold that ended, an entry claimed
 * from a stopped node) before it calls the provider, so that two workers never send it at once.
 * First deliveries need none: an outbox entry is read once, and is claimed by another worker only
 * after it has been idle longer than any batch sends. The lease is dropped when a send fails and
 * is retried; it expires on its own after a crash.
 */
final class SendLease {

    /**
     * Longer than one outbound batch with its provider calls and timeouts, and longer than an outbox
     * entry waits before another worker may claim it (five minutes), so a claimed redelivery finds
     * the first worker's lease still held.
     */
    static final Duration TTL = Duration.ofMinutes(10);

    private SendLease() {
    }

    static String key(String messageId) {
        return "sending:" + messageId;
    }
}
