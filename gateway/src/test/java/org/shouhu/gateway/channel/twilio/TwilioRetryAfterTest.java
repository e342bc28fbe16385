package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the wait Twilio asks for in a {@code Retry-After} header. */
class TwilioRetryAfterTest {

    private static final Instant NOW = Instant.parse("2025-07-15T08:00:00Z");

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "30                                | PT30S",
            "' 0 '                             | PT0S",
            "Tue, 15 Jul 2025 08:02:00 GMT     | PT2M",
            "Tue, 15 Jul 2025 07:00:00 GMT     | PT0S",
            "soon                              | none",
            "-5                                | none",
            "99999999999999                    | none",
            "''                                | none",
    })
    void readsSecondsOrADate(String header, String expected) {
        assertEquals(expected == null ? null : Duration.parse(expected), RetryAfter.parse(header, NOW));
    }
}
