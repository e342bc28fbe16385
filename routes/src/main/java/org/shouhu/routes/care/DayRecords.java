package org.shouhu.routes.care;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.CareStore.DayChange;

/**
 * Changes children's records of a site day safely when several people act at once: each change
 * is computed from the record as read and stored only if nobody changed it meanwhile; a child
 * whose record moved is read again and its change recomputed (a check-in that raced a guardian's
 * absence report still checks the child in, and two staff sending {@code 到 3} together notify
 * the guardians once). The messages a change causes are queued with it, in the same atomic step.
 */
final class DayRecords {

    /** Enough for any real contention: each round means someone else changed the record in between. */
    private static final int ROUNDS = 5;

    private final CareStore store;

    DayRecords(CareStore store) {
        this.store = store;
    }

    /**
     * Applies {@code change} to each child's record today ({@code Optional.empty()}: nothing to
     * do for that child) and returns the records written, by child id. {@code records} is the site
     * day as read; it is updated with what was written.
     */
    Map<String, DayRecord> update(String siteCode, LocalDate date, List<Child> children, Map<String, DayRecord> records,
                                  Function<DayRecord, Optional<DayRecord>> change) {
        return update(siteCode, date, children, records, change, after -> List.of());
    }

    /**
     * {@link #update} where each change causes messages ({@code causes}, given the record as the
     * change leaves it): they are queued with the change, in the same atomic step, only if it is
     * applied — so a crash or a failure after it can never leave the change without its messages,
     * nor a retry send them again.
     */
    Map<String, DayRecord> update(String siteCode, LocalDate date, List<Child> children, Map<String, DayRecord> records,
                                  Function<DayRecord, Optional<DayRecord>> change,
                                  Function<DayRecord, List<OutboundMessage>> causes) {
        Map<String, DayRecord> written = new HashMap<>();
        List<String> pending = children.stream().map(Child::id).distinct().toList();
        for (int round = 0; round < ROUNDS && !pending.isEmpty(); round++) {
            if (round > 0) {
                records.putAll(store.day(siteCode, date));
            }
            List<DayChange> changes = new ArrayList<>();
            for (String id : pending) {
                DayRecord before = records.get(id);
                change.apply(before == null ? DayRecord.expected(id) : before)
                        .ifPresent(after -> changes.add(new DayChange(before, after, causes.apply(after))));
            }
            Set<String> applied = changes.isEmpty() ? Set.of() : store.changeDayRecords(siteCode, date, changes);
            List<String> again = new ArrayList<>();
            for (DayChange c : changes) {
                String id = c.after().childId();
                if (applied.contains(id)) {
                    written.put(id, c.after());
                    records.put(id, c.after());
                } else {
                    again.add(id); // someone changed it meanwhile: read it again
                }
            }
            pending = again;
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("the day records of " + pending.size() + " children kept changing; try again");
        }
        return written;
    }

    /** One child's record, changed the same way. */
    Optional<DayRecord> update(Child child, LocalDate date, Function<DayRecord, Optional<DayRecord>> change) {
        Map<String, DayRecord> records = new HashMap<>();
        store.dayRecord(child.siteCode(), date, child.id()).ifPresent(r -> records.put(child.id(), r));
        return Optional.ofNullable(update(child.siteCode(), date, List.of(child), records, change).get(child.id()));
    }
}
