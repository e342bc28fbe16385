package org.shouhu.routes.care;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.shouhu.routes.model.Address;

/**
 * Who an alert went to ({@code recipients}: every address expected to answer {@code 1}) and when
 * each of those who did acknowledged it.
 */
public record AlertAcknowledgements(String alertId, Set<Address> recipients, Map<Address, Instant> acknowledged) {

    public AlertAcknowledgements {
        recipients = Set.copyOf(recipients);
        acknowledged = Map.copyOf(acknowledged);
    }

    /** How many an alert went to and how many of them acknowledged it. */
    public record Count(int recipients, int acknowledged) {
    }
}
