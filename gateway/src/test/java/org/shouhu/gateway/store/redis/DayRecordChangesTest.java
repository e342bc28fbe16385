package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.port.CareStore.DayChange;

/** The compare-and-set of day records in Redis: a change is stored only over the record it was computed from. */
class DayRecordChangesTest {

    static final LocalDate TODAY = LocalDate.of(2026, 7, 15);
    static final DayRecord EXPECTED = DayRecord.expected("c1");
    static final DayRecord ARRIVED = EXPECTED.arrived(LocalTime.of(8, 5));
    static final DayRecord ABSENT = EXPECTED.absent();

    static DayRecord named(String name) {
        return switch (name) {
            case "none" -> null;
            case "arrived" -> ARRIVED;
            case "absent" -> ABSENT;
            case "left" -> ARRIVED.left(LocalTime.of(16, 40), "奶奶");
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "stored {0}, read {1}: applied {2}")
    @CsvSource({
        "none,    none,    true",
        "absent,  none,    false",
        "absent,  absent,  true",
        "arrived, absent,  false",
        "left,    arrived, false",
        "arrived, arrived, true"})
    void aChangeIsStoredOnlyOverTheRecordItWasComputedFrom(String stored, String read, boolean applied) {
        RedisCareStore care = new RedisCareStore(TestRedis.fresh());
        if (named(stored) != null) {
            care.putDayRecord("ZT0427", TODAY, named(stored));
        }
        DayRecord after = ARRIVED.withEscort();
        Set<String> changed = care.changeDayRecords("ZT0427", TODAY, List.of(new DayChange(named(read), after)));
        assertEquals(applied ? Set.of("c1") : Set.of(), changed);
        DayRecord now = care.dayRecord("ZT0427", TODAY, "c1").orElse(null);
        assertEquals(applied ? after : named(stored), now);
    }

    @ParameterizedTest(name = "{0} children in one step")
    @CsvSource({"1", "20", "300"})
    void manyChildrenChangeInOneStep(int n) {
        RedisCareStore care = new RedisCareStore(TestRedis.fresh());
        List<DayChange> changes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            changes.add(new DayChange(null, DayRecord.expected("c" + i).arrived(LocalTime.of(8, 5))));
        }
        assertEquals(n, care.changeDayRecords("ZT0427", TODAY, changes).size());
        assertEquals(n, care.day("ZT0427", TODAY).size());
    }
}
