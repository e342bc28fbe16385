package org.shouhu.routes.model;

/**
 * One message as a worker takes it from the outbox. A first delivery carries the message as it was
 * queued, so it is sent without reading its record; a redelivery (a retry, a hold that ended, an
 * entry claimed from a stopped node) carries only the id: its record says whether it still needs
 * sending, and a send lease keeps two workers from sending it at once.
 *
 * @param message the message as queued, or null for a redelivery
 */
public record OutboxEntry(String id, StoredMessage message) {

    /** A redelivery: only the id, the rest is read from the record. */
    public static OutboxEntry again(String id) {
        return new OutboxEntry(id, null);
    }

    public boolean isFirstDelivery() {
        return message != null;
    }
}
