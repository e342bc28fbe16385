package org.shouhu.routes.port;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.StoredMessage;

/**
 * The record of every outbound message and its delivery, the other half of the {@link Outbox}:
 * what the outbound route reads and writes as it renders, sends and hears back. The outbound
 * route works in batches, so the calls it makes per message come in batch form too.
 */
public interface MessageStore extends DeliveryReports {

    Optional<StoredMessage> load(String id);

    /** The messages with these ids, in their order; ids with no record are left out. One round trip. */
    List<StoredMessage> loadAll(List<String> ids);

    /**
     * A provider accepted a message: its text, its id for it and the first status.
     *
     * @param attempt which try it was (1 for the first), the record's count of attempts from now on
     */
    record Sent(String id, String channel, String text, SendReceipt receipt, int attempt) {
    }

    /** Providers accepted these messages: keep each text, provider id and status (the idempotency record). */
    void recordSent(List<Sent> sent);

    /** The provider accepted one message on its first try. */
    default void recordSent(String id, String channel, String text, SendReceipt receipt) {
        recordSent(List.of(new Sent(id, channel, text, receipt, 1)));
    }

    /** Not sent on purpose (recipient opted out…): final. */
    void recordSuppressed(String id, String reason);

    /** A transient failure: count the attempt and queue the message again at {@code at}. */
    void retryAt(String id, String errorCode, Instant at);

    /**
     * Holds messages (quiet hours, another worker is sending them) and queues them again at
     * {@code at}; not an attempt.
     */
    void holdUntil(Collection<String> ids, String reason, Instant at);

    /** A permanent failure (or retries exhausted): final. */
    void recordFailed(String id, String errorCode);

    /** The messages sent to an address, newest first. */
    List<StoredMessage> sentTo(Address to, int limit);
}
