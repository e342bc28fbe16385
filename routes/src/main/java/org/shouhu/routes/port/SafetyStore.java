package org.shouhu.routes.port;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.AlertFanOut;
import org.shouhu.routes.care.AlertJob;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.OutboundMessage;

/**
 * The safety loop's state: site schedules, county coordinators, escalation ladders with their
 * next due time, and alerts with who acknowledged them. Each ladder step is one atomic write that
 * re-reads the child's day, records the step and queues its messages once, so with several nodes
 * and crashes each step is taken, and sent, exactly once.
 */
public interface SafetyStore {

    SiteSchedule schedule(String siteCode);

    void putSchedule(String siteCode, SiteSchedule schedule);

    void putCoordinator(Coordinator coordinator);

    Optional<Coordinator> coordinator(String county);

    /** Records the safety lesson a site taught on a day (the last one recorded wins). */
    void recordLesson(String siteCode, LocalDate date, String topic);

    Optional<String> lesson(String siteCode, LocalDate date);

    /**
     * Opens a ladder at step 0 and queues its messages (to the guardians), in one atomic write, with
     * its next step due at {@code nextAt} — only while the child's day record still calls for it
     * ({@link org.shouhu.routes.care.LadderKind#calledFor}), read in that same write. Returns the
     * messages with their ids; empty when it was opened before (its messages were queued then) or the
     * child's day no longer calls for it (nothing is opened, nothing sent).
     */
    Optional<List<OutboundMessage>> openLadder(Ladder ladder, Instant nextAt, List<OutboundMessage> messages);

    Optional<Ladder> ladder(String id);

    /** Open ladders about a child today. */
    default List<Ladder> openLadders(String siteCode, LocalDate date, String childId) {
        return openLadders(siteCode, date, List.of(childId));
    }

    /** Open ladders about any of these children of a site today, in one look-up. */
    List<Ladder> openLadders(String siteCode, LocalDate date, java.util.Collection<String> childIds);

    /**
     * The ladders of a day at any of these sites that are still open or {@link Ladder#ranOutOfSteps ran
     * out of steps}, with their steps: a county's dashboard, which shows those its child's day still
     * calls for. A store may read them in a round trip or two whatever the number of sites.
     */
    default List<Ladder> openLaddersAt(java.util.Collection<String> siteCodes, LocalDate date) {
        return laddersOpened(siteCodes, date, date).stream().filter(l -> !l.closed() || l.ranOutOfSteps()).toList();
    }

    /**
     * Every ladder opened at these sites on the days from {@code from} to {@code to} (both included),
     * open or closed, with its steps: for reports. Each site keeps its ladders by day, written by the
     * write that opens one, so this is a read per site and one of the ladders found, not a look per child.
     */
    List<Ladder> laddersOpened(java.util.Collection<String> siteCodes, LocalDate from, LocalDate to);

    /**
     * Claims the ids of ladders whose next step is due at or before {@code now}, for a while: a
     * claimed ladder is due again a little later (a visibility timeout), so a step that a dead
     * node never took is taken by the next sweep after that, here or elsewhere; the step itself
     * sets its next time.
     */
    List<String> claimDueLadders(Instant now, int max);

    /** Puts a claimed ladder back to be stepped at {@code at} (its step failed); not one closed meanwhile. */
    void retryLadder(String id, Instant at);

    /**
     * Takes step {@code step} of a ladder due at {@code now}: records it ({@code nextAt} null when no
     * step follows), queues its messages once and sets its next time, in one atomic write, only while
     * the ladder is open at step {@code step - 1} and the child's day record still calls for it,
     * read in that same write; a ladder the child's day no longer calls for is closed with the
     * reason in its log. Returns the messages with their ids; empty when nothing was sent: closed
     * meanwhile (a guardian answered, the child came), taken before (its messages were queued then),
     * or not yet due (another node took the step before).
     */
    Optional<List<OutboundMessage>> stepLadder(String id, int step, Instant now, String entry, Instant nextAt,
                                               List<OutboundMessage> messages);

    /**
     * Opens a ladder as {@link #openLadder(Ladder, Instant, List)} does and, when {@code callAt} is
     * not null, schedules its voice call ({@link #callGuardians}) at {@code callAt} in that same write,
     * so an open ladder whose guardians should be called is never left without its call.
     */
    Optional<List<OutboundMessage>> openLadder(Ladder ladder, Instant nextAt, Instant callAt, List<OutboundMessage> messages);

    /**
     * Claims the ids of ladders whose voice call is due at or before {@code now}, with a visibility
     * timeout as {@link #claimDueLadders} does: a call a dead node never queued is claimed again.
     */
    List<String> claimDueCalls(Instant now, int max);

    /** Puts a claimed voice call back to be tried at {@code at} (queueing it failed). */
    void retryCall(String id, Instant at);

    /**
     * Queues a ladder's voice calls once, records {@code entry} in its log and takes the call off the
     * due calls, in one atomic write, only while the ladder is open at step 0 (the guardians told, the
     * captain not yet) and the child's day still calls for it, read in that same write. Returns the
     * calls with their ids; empty when nothing was queued (closed meanwhile, the captain step taken,
     * or queued before); in every case the call is no longer due.
     */
    Optional<List<OutboundMessage>> callGuardians(String id, Instant now, String entry, List<OutboundMessage> calls);

    /** Takes a ladder's voice call off the due calls (nobody to call, or the ladder is gone). */
    void dropCall(String id);

    /**
     * Appends {@code entry} to a ladder's log, open or closed (what a voice call came to: answered,
     * no answer, the digit pressed), once per {@code once} (a provider's webhook repeated notes
     * nothing more); false when there is no such ladder or it was noted before.
     */
    boolean noteOnLadder(String id, String once, String entry);

    /** Closes a ladder with the reason in its record; false when it was already closed. */
    boolean closeLadder(Ladder ladder, String entry);

    /**
     * Queues an alert's messages and records the alert, the addresses it goes to and its message
     * ids, in one transaction, once per alert id: an alert fired again after a failure — even one
     * whose reply was lost after the store had written it — reaches no one twice. The addresses'
     * next {@code 1} acknowledges it (not a {@link Alert#NOTICE}'s). The same transaction takes the
     * alert's job, if it had one ({@link #startAlert}), off the pending jobs: its done mark.
     * Returns the messages with their ids; empty when an alert with this id was queued before.
     */
    Optional<List<OutboundMessage>> queueAlert(Alert alert, List<Address> recipients, List<OutboundMessage> messages);

    Optional<Alert> alert(String id);

    /**
     * Records an alert and the job to expand it, in one atomic write, unless an alert with this id
     * exists (then nothing is written: false). A broadcast ({@link Alert#NOTICE} to {@code site:…})
     * also becomes its site's latest.
     */
    boolean startAlert(AlertJob job);

    /** The job of an alert not yet expanded; empty once its messages are queued (or for no such alert). */
    Optional<AlertJob> alertJob(String id);

    /**
     * Claims up to {@code max} pending alert jobs for a while (a visibility timeout, as for ladder
     * steps): one whose node died, or whose claim ran out, is claimed again by the next caller.
     */
    List<String> claimAlertJobs(Instant now, int max);

    /** Puts a claimed job back to be tried again at {@code at} (its expansion failed). */
    void retryAlertJob(String id, Instant at);

    /** Takes a job off the pending ones (it was found expanded, or its alert is gone). */
    void dropAlertJob(String id);

    /** The alert, whether it was expanded, its recipients per channel and its message ids, in one round trip. */
    Optional<AlertFanOut> alertFanOut(String id);

    /** The id of the site's latest staff broadcast, if any. */
    Optional<String> latestBroadcast(String siteCode);

    /** Acknowledges the alert this address was last sent, if it has not yet; returns the alert id. */
    Optional<String> acknowledgeAlert(Address address, Instant at);

    /** The addresses that have not acknowledged the alert. */
    List<Address> notAcknowledged(String alertId);

    int acknowledgedCount(String alertId);

    /**
     * The alerts (not staff broadcasts) whose messages were queued at or after {@code from} and before
     * {@code to} by their {@code sentAt}, oldest first: for reports. Kept by the write that queues them.
     */
    List<Alert> alertsSent(Instant from, Instant to);

    /** Who each of these alerts went to and when each acknowledged, in one look-up; an alert that is gone is left out. */
    java.util.Map<String, AlertAcknowledgements> acknowledgements(java.util.Collection<String> alertIds);

    /** How many each of these alerts went to and how many acknowledged, in one look-up, without reading who. */
    java.util.Map<String, AlertAcknowledgements.Count> acknowledgementCounts(java.util.Collection<String> alertIds);

    List<String> alertMessageIds(String alertId);
}
