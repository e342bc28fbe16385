package org.shouhu.routes.port;

import java.util.List;
import org.shouhu.routes.model.OutboundMessage;

/**
 * Durable queue of messages to send. {@link #enqueue} assigns each message its id (the idempotency
 * key of its send) and returns once the message is stored; a worker sends it later.
 */
public interface Outbox {

    /** Stores the messages and queues them for sending; returns them with their ids. */
    List<OutboundMessage> enqueue(List<OutboundMessage> messages);

    /**
     * Queues the messages unless they were queued before under {@code marker}, which is set in the same atomic
     * step, so asking again after any failure never queues them twice; true when they were queued now. A store that
     * cannot do it atomically (this default) queues them every time.
     */
    default boolean enqueueOnce(String marker, List<OutboundMessage> messages) {
        enqueue(messages);
        return true;
    }
}
