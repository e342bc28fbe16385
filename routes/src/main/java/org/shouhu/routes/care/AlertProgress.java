package org.shouhu.routes.care;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.port.MessageTally;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SafetyStore;

/**
 * How far an alert or a staff broadcast has got: its messages queued, sent, delivered, failed, and
 * when the rest should be out at the rates the {@link Pacer} gives each channel now. Reads the
 * alert, its message ids and their records a few round trips in all, not one per message.
 */
public final class AlertProgress {

    /** Pending: its fan-out not yet expanded; sending: messages still queued; done: every message handed over. */
    public enum State { PENDING, SENDING, DONE }

    /**
     * One alert's progress.
     *
     * @param recipients     0 while pending
     * @param queued         not yet handed to a provider (a message not yet sent has no record: queued)
     * @param sent           handed over, no final report yet
     * @param finishEstimate when the queued ones should be out; null when done, or while pending
     */
    public record Progress(Alert alert, State state, int recipients, int queued, int sent, int delivered, int failed,
                           int suppressed, Instant finishEstimate) {
    }

    private final SafetyStore safety;
    private final MessageTally tally;
    private final Pacer pacer;
    private final Clock clock;

    public AlertProgress(SafetyStore safety, MessageTally tally, Pacer pacer, Clock clock) {
        this.safety = safety;
        this.tally = tally;
        this.pacer = pacer;
        this.clock = clock;
    }

    /** The alert's progress now; empty for no such alert. */
    public Optional<Progress> of(String alertId) {
        return safety.alertFanOut(alertId).map(this::progress);
    }

    private Progress progress(AlertFanOut fanOut) {
        Alert alert = fanOut.alert();
        if (!fanOut.expanded()) {
            return new Progress(alert, State.PENDING, 0, 0, 0, 0, 0, 0, null);
        }
        MessageTally.Tally t = tally.tally(fanOut.messageIds());
        if (t.queued() == 0) {
            return new Progress(alert, State.DONE, alert.recipients(), 0, t.sent(), t.delivered(), t.failed(),
                    t.suppressed(), null);
        }
        Map<String, Integer> left = new HashMap<>();
        Map<String, Integer> mix = fanOut.recipientsByChannel().isEmpty()
                ? Map.of(org.shouhu.routes.model.Address.SMS, fanOut.messageIds().size()) // an alert from before the mix was kept
                : fanOut.recipientsByChannel();
        mix.forEach((channel, n) -> left.put(channel, Math.max(0, n - t.handedOverByChannel().getOrDefault(channel, 0))));
        Instant finish = clock.instant().plus(SendingTime.of(left, pacer));
        return new Progress(alert, State.SENDING, alert.recipients(), t.queued(), t.sent(), t.delivered(), t.failed(),
                t.suppressed(), finish);
    }
}
