package org.shouhu.routes.model;

/**
 * One message as a worker takes it from the outbox. A first delivery carries the message as it was
 * queued, so it is sent without reading its record. A redelivery (a retry, a hold that ended, an
 * entry claimed from a stopped node) is looked up first: its record says whether it still needs
 * sending, and a send lease keeps two workers from sending it at once. A retry or a hold carries
 * only the id (its record was written when it was put off); a claimed entry may carry its message,
 * which is used when the message has no record yet (the stopped node never got to it).
 *
 * @param message the message as queued, or null when the entry carries only the id
 */
public record OutboxEntry(String id, StoredMessage message, boolean redelivery) {

    /** A first delivery, sent as queued. */
    public static OutboxEntry first(StoredMessage message) {
        return new OutboxEntry(message.id(), message, false);
    }

    /** A redelivery by id only: the message is read from its record. */
    public static OutboxEntry again(String id) {
        return new OutboxEntry(id, null, true);
    }

    /** A redelivery of an entry that carries its message, another worker's that this one took over. */
    public static OutboxEntry claimed(StoredMessage message) {
        return new OutboxEntry(message.id(), message, true);
    }

    public boolean isFirstDelivery() {
        return !redelivery;
    }
}
