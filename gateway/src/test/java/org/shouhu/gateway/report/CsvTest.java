package org.shouhu.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What every report's CSV cells look like in Excel. */
class CsvTest {

    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "+8613912345678 | 139 1234 5678",
            "+862712345678 | '+862712345678",
            "+14155550100 | '+14155550100",
            "'' | ''",
    })
    void aPhoneIsWrittenAsACoordinatorDialsItAndExcelKeepsItAsText(String e164, String cell) {
        assertEquals(cell, Csv.phone(e164));
    }

    @Test
    void aTimeOnItsRowsDayIsTheClockTimeAndOnAnotherItHasItsDate() {
        Instant evening = Instant.parse("2026-07-15T09:35:00Z");
        assertEquals("17:35", Csv.time(evening, LocalDate.parse("2026-07-15"), ZONE));
        assertEquals("2026-07-15 17:35", Csv.time(evening, LocalDate.parse("2026-07-14"), ZONE));
        assertEquals("", Csv.time(null, LocalDate.parse("2026-07-15"), ZONE));
    }

    @Test
    void aFileIsUtf8WithAByteOrderMarkThenTheHeaderEvenWithNoRows() {
        Csv.File file = Csv.write("x.csv", List.of("日期", "姓名"), csv -> 0);

        assertEquals("\uFEFF日期,姓名\r\n", new String(file.bytes(), StandardCharsets.UTF_8));
        assertEquals(0, file.rows());
    }
}
