package org.shouhu.gateway.pacing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One paced channel: its sending identities, each allowed {@code perSender} messages a second, and
 * optionally an account they share, allowed {@code accountRate} a second across every channel naming it.
 *
 * @param senders     the identities to spread over (Twilio numbers); a single null: the channel's default
 *                    (a Messaging Service, a bot)
 * @param perSender   messages a second each identity may send, &gt; 0
 * @param account     the account whose cap the identities share ({@code twilio}), or null
 * @param accountRate messages a second the account may send, all its channels together; 0: no cap
 */
public record PacedChannel(List<String> senders, double perSender, String account, double accountRate) {

    public PacedChannel {
        if (senders == null || senders.isEmpty()) {
            throw new IllegalArgumentException("a paced channel needs at least one sender");
        }
        if (!(perSender > 0) || Double.isInfinite(perSender)) {
            throw new IllegalArgumentException("a sender's rate must be a positive number, not " + perSender);
        }
        if (accountRate < 0 || (accountRate > 0 && account == null)) {
            throw new IllegalArgumentException("an account cap needs an account and a rate ≥ 0");
        }
        senders = Collections.unmodifiableList(new ArrayList<>(senders)); // may hold the one null
    }

    /** A channel with one identity (its default) and no account cap. */
    public static PacedChannel single(double perSender) {
        return new PacedChannel(Collections.singletonList(null), perSender, null, 0);
    }
}
