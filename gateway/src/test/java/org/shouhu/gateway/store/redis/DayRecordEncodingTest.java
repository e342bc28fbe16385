package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.routes.care.DayRecord;

/** A day record survives its compact encoding, whatever form its times took when written. */
class DayRecordEncodingTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "08:05",
        "00:00",
        "23:59",
        "17:30:15",
        "08:05:30.500",
        "12:00:00.000000001",
    })
    void timesReadBackAsWritten(String time) {
        LocalTime t = LocalTime.parse(time);
        DayRecord left = DayRecord.expected("c1").arrived(t).left(t, "奶奶");
        DayRecord read = RedisCareStore.decode("c1", RedisCareStore.encode(left));
        assertEquals(left, read);
        assertEquals(t, read.arrivedAt());
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource({"08:05, 08:05", "17:30:15, 17:30:15", "'', "})
    void storedTimesAreRead(String stored, LocalTime expected) {
        assertEquals(expected, RedisCareStore.parseTime(stored));
    }
}
