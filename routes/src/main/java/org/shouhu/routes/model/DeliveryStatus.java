package org.shouhu.routes.model;

import java.util.Locale;
import java.util.Optional;

/** Where an outbound message stands; a status only moves forward ({@link #rank()}). */
public enum DeliveryStatus {
    PENDING(0), QUEUED(1), SENDING(2), SENT(3), DELIVERED(4), UNDELIVERED(4), FAILED(4), SUPPRESSED(4);

    private final int rank;

    DeliveryStatus(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** Whether nothing more will happen to the message. */
    public boolean isFinal() {
        return rank == 4;
    }

    /** Reads a provider's status word ({@code delivered}, {@code accepted}…) case-insensitively. */
    public static Optional<DeliveryStatus> fromProvider(String word) {
        if (word == null) {
            return Optional.empty();
        }
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "accepted", "scheduled", "queued" -> Optional.of(QUEUED);
            case "sending" -> Optional.of(SENDING);
            case "sent" -> Optional.of(SENT);
            case "delivered", "read" -> Optional.of(DELIVERED);
            case "undelivered" -> Optional.of(UNDELIVERED);
            case "failed", "canceled" -> Optional.of(FAILED);
            default -> Optional.empty();
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
