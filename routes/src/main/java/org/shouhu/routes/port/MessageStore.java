package org.shouhu.routes.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.StoredMessage;

/**
 * The record of every outbound message and its delivery, the other half of the {@link Outbox}:
 * what the outbound route reads and writes as it renders, sends and hears back.
 */
public interface MessageStore extends DeliveryReports {

    Optional<StoredMessage> load(String id);

    /** The provider accepted the message: keep the text, its id and status (idempotency record). */
    void recordSent(String id, String channel, String text, SendReceipt receipt);

    /** Not sent on purpose (recipient opted out…): final. */
    void recordSuppressed(String id, String reason);

    /** A transient failure: count the attempt and queue the message again at {@code at}. */
    void retryAt(String id, String errorCode, Instant at);

    /** Holds the message (quiet hours) and queues it again at {@code at}; not an attempt. */
    void holdUntil(String id, Instant at);

    /** A permanent failure (or retries exhausted): final. */
    void recordFailed(String id, String errorCode);

    /** The messages sent to an address, newest first. */
    List<StoredMessage> sentTo(Address to, int limit);
}
