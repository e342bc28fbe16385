package org.shouhu.routes.port;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.OutboundMessage;

/**
 * The safety loop's state: site schedules, county coordinators, escalation ladders with their
 * next due time, and alerts with who acknowledged them. Due ladders are claimed atomically, so
 * with several nodes each step is taken once.
 */
public interface SafetyStore {

    SiteSchedule schedule(String siteCode);

    void putSchedule(String siteCode, SiteSchedule schedule);

    void putCoordinator(Coordinator coordinator);

    Optional<Coordinator> coordinator(String county);

    /** Records the safety lesson a site taught on a day (the last one recorded wins). */
    void recordLesson(String siteCode, LocalDate date, String topic);

    Optional<String> lesson(String siteCode, LocalDate date);

    /** Opens a ladder at step 0 with its next step due at {@code nextAt}; false when one was already open. */
    boolean openLadder(Ladder ladder, Instant nextAt);

    Optional<Ladder> ladder(String id);

    /** Open ladders about a child today. */
    default List<Ladder> openLadders(String siteCode, LocalDate date, String childId) {
        return openLadders(siteCode, date, List.of(childId));
    }

    /** Open ladders about any of these children of a site today, in one look-up. */
    List<Ladder> openLadders(String siteCode, LocalDate date, java.util.Collection<String> childIds);

    /** Claims the ids of ladders whose next step is due at or before {@code now}; each id goes to one caller. */
    List<String> claimDueLadders(Instant now, int max);

    /** Puts a claimed ladder back to be stepped at {@code at} (its step failed). */
    void retryLadder(String id, Instant at);

    /**
     * Records a step taken, only while the ladder is open ({@code nextAt} null when no step
     * follows); false when it was closed meanwhile (a guardian answered), and nothing is recorded.
     */
    boolean stepLadder(String id, int step, String entry, Instant nextAt);

    /** Closes a ladder with the reason in its record; false when it was already closed. */
    boolean closeLadder(Ladder ladder, String entry);

    /**
     * Queues an alert's messages and records the alert, the addresses it goes to and its message
     * ids, in one transaction, once per alert id: an alert fired again after a failure — even one
     * whose reply was lost after the store had written it — reaches no one twice. The addresses'
     * next {@code 1} acknowledges it. Returns the messages with their ids; empty when an alert with
     * this id was queued before.
     */
    Optional<List<OutboundMessage>> queueAlert(Alert alert, List<Address> recipients, List<OutboundMessage> messages);

    Optional<Alert> alert(String id);

    /** Acknowledges the alert this address was last sent, if it has not yet; returns the alert id. */
    Optional<String> acknowledgeAlert(Address address, Instant at);

    /** The addresses that have not acknowledged the alert. */
    List<Address> notAcknowledged(String alertId);

    int acknowledgedCount(String alertId);

    List<String> alertMessageIds(String alertId);
}
