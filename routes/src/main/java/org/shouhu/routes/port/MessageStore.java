package org.shouhu.routes.port;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.StoredMessage;

/**
 * The record of every outbound message and its delivery, the other half of the {@link Outbox}:
 * what the outbound route reads and writes as it renders, sends and hears back. A message's record
 * is written at its first outcome (sent, held, put off, suppressed, failed), from the message the
 * route has in hand; until then the message is only in the outbox, and {@link #load} does not
 * find it. The outbound route works in batches, so the calls it makes per message come in batch
 * form too.
 */
public interface MessageStore extends DeliveryReports {

    /**
     * The message's record, or empty when it has none yet (still in the outbox) or none any more; a
     * record of a provider's report alone comes as {@link StoredMessage#isReportOnly}.
     */
    Optional<StoredMessage> load(String id);

    /** The records of these ids, in their order, as {@link #load} has them; ids with no record are left out. One round trip. */
    List<StoredMessage> loadAll(List<String> ids);

    /**
     * A provider accepted a message: its text, its id for it and the first status.
     *
     * @param attempt which try it was (1 for the first), the record's count of attempts from now on
     */
    record Sent(StoredMessage message, String channel, String text, SendReceipt receipt, int attempt) {

        public String id() {
            return message.id();
        }
    }

    /** Providers accepted these messages: keep each text, provider id and status (the idempotency record). */
    void recordSent(List<Sent> sent);

    /** The provider accepted one message on its first try. */
    default void recordSent(StoredMessage message, String channel, String text, SendReceipt receipt) {
        recordSent(List.of(new Sent(message, channel, text, receipt, 1)));
    }

    /** Not sent on purpose (recipient opted out…): final. */
    void recordSuppressed(StoredMessage message, String reason);

    /** A transient failure: count the attempt and queue the message again at {@code at}. */
    void retryAt(StoredMessage message, String errorCode, Instant at);

    /**
     * Holds messages (quiet hours, another worker is sending them) and queues them again at
     * {@code at}; not an attempt.
     */
    void holdUntil(Collection<StoredMessage> messages, String reason, Instant at);

    /** A permanent failure (or retries exhausted): counts the attempt; final. */
    void recordFailed(StoredMessage message, String errorCode);

    /** The messages sent to an address, newest first (those still waiting in the outbox have no record yet). */
    List<StoredMessage> sentTo(Address to, int limit);
}
