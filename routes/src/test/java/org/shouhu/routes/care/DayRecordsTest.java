package org.shouhu.routes.care;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.CareStore.DayChange;
import org.shouhu.templates.TemplateKey;

/** Day-record changes when two people act on the same child at the same moment. */
class DayRecordsTest {

    static final LocalDate TODAY = LocalDate.of(2026, 7, 15);
    static final Child XIAOMING = new Child("c1", "ZT0427", 1, "王小明");
    static final Address GRANDMA = new Address("+8613912345678");

    /** The stored site day, and what "someone else" writes just before our first compare-and-set. */
    final Map<String, DayRecord> stored = new HashMap<>();
    /** The messages queued with the changes applied, as the store's compare-and-set script queues them. */
    final List<OutboundMessage> queued = new ArrayList<>();
    Runnable meanwhile = () -> { };

    final CareStore store = (CareStore) Proxy.newProxyInstance(CareStore.class.getClassLoader(),
            new Class<?>[] {CareStore.class}, (proxy, method, args) -> switch (method.getName()) {
                case "day" -> new HashMap<>(stored);
                case "dayRecord" -> Optional.ofNullable(stored.get((String) args[2]));
                case "changeDayRecords" -> compareAndSet(changes(args[2]));
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @SuppressWarnings("unchecked")
    private static List<DayChange> changes(Object arg) {
        return (List<DayChange>) arg;
    }

    private Set<String> compareAndSet(List<DayChange> changes) {
        meanwhile.run();
        meanwhile = () -> { };
        Set<String> applied = new HashSet<>();
        for (DayChange c : changes) {
            String id = c.after().childId();
            if (java.util.Objects.equals(stored.get(id), c.before())) {
                stored.put(id, c.after());
                queued.addAll(c.messages());
                applied.add(id);
            }
        }
        return applied;
    }

    private Map<String, DayRecord> checkIn(LocalTime at) {
        return new DayRecords(store).update("ZT0427", TODAY, List.of(XIAOMING), store.day("ZT0427", TODAY),
                r -> r.state() == ChildState.ARRIVED ? Optional.empty() : Optional.of(r.arrived(at)));
    }

    @Test
    void aCheckInThatCrossedAGuardiansAbsenceReportStillChecksTheChildIn() {
        meanwhile = () -> stored.put("c1", DayRecord.expected("c1").absent());
        Map<String, DayRecord> written = checkIn(LocalTime.of(8, 35));
        assertEquals(ChildState.ARRIVED, stored.get("c1").state(), "the child is at the site: staff win");
        assertEquals(Set.of("c1"), written.keySet(), "and the guardians are told it arrived");
    }

    @Test
    void twoStaffCheckingInTheSameChildTogetherTellTheGuardiansOnce() {
        meanwhile = () -> stored.put("c1", DayRecord.expected("c1").arrived(LocalTime.of(8, 34)));
        assertEquals(Map.of(), checkIn(LocalTime.of(8, 35)), "the other check-in told them");
        assertEquals(LocalTime.of(8, 34), stored.get("c1").arrivedAt());
    }

    private Map<String, DayRecord> checkInTellingGrandma(LocalTime at) {
        return new DayRecords(store).update("ZT0427", TODAY, List.of(XIAOMING), store.day("ZT0427", TODAY),
                r -> r.state() == ChildState.ARRIVED ? Optional.empty() : Optional.of(r.arrived(at)),
                after -> List.of(OutboundMessage.of(GRANDMA, TemplateKey.ARRIVAL,
                        Map.of("child", "王小明", "time", after.arrivedAt().toString(), "site", "永丰小学托管点"),
                        MessageClass.ROUTINE)));
    }

    @Test
    void theNoticesOfAChangeAreQueuedWithItOnlyWhenItIsApplied() {
        meanwhile = () -> stored.put("c1", DayRecord.expected("c1").absent());
        checkInTellingGrandma(LocalTime.of(8, 35));
        assertEquals(1, queued.size(), "the first try lost the race and queued nothing; the recomputed one queued once");
        assertEquals("08:35", queued.get(0).params().get("time"));

        checkInTellingGrandma(LocalTime.of(8, 40));
        assertEquals(1, queued.size(), "a repeat changes nothing and queues nothing");
    }

    @Test
    void anEscortRequestIsNotLostWhenTheChildIsCheckedOutAtTheSameMoment() {
        stored.put("c1", DayRecord.expected("c1").arrived(LocalTime.of(8, 5)));
        meanwhile = () -> stored.put("c1", stored.get("c1").left(LocalTime.of(16, 40), "奶奶"));
        new DayRecords(store).update(XIAOMING, TODAY, r -> Optional.of(r.withEscort()));
        assertEquals(ChildState.LEFT, stored.get("c1").state());
        assertEquals(true, stored.get("c1").escortRequested());
    }
}
