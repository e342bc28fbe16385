package org.shouhu.routes.port;

import java.util.List;
import java.util.Map;

/** Counts how far a set of messages has got, cheaply for tens of thousands (no round trip per message). */
public interface MessageTally {

    /**
     * Where a set of messages stands.
     *
     * @param queued             not yet handed to a provider: no record yet, or held / waiting for a retry
     * @param sent               handed over, no final report yet
     * @param handedOverByChannel of those not queued, how many per channel ({@code sms}, {@code telegram}…)
     */
    record Tally(int queued, int sent, int delivered, int failed, int suppressed, Map<String, Integer> handedOverByChannel) {
        public Tally {
            handedOverByChannel = Map.copyOf(handedOverByChannel);
        }
    }

    Tally tally(List<String> messageIds);
}
