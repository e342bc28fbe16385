package org.shouhu.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rates of pacing: defaults, {@code unpaced}, and a clear refusal of anything else. */
class PacingConfigTest {

    @Test
    void defaultsAreTwilioTenANumberUnderTwoThousandAnAccountAndTelegramThirty() {
        assertEquals(new Config.Pacing(10, 2000, 80, 30, 0, 1), Config.fromEnv(Map.of()).pacing());
    }

    @Test
    void zeroOrUnpacedTurnsPacingOffAndFractionsAreRates() {
        Config.Pacing pacing = Config.fromEnv(Map.of("TWILIO_MPS", "1", "TWILIO_ACCOUNT_MPS", "0",
                "TWILIO_WHATSAPP_MPS", "unpaced", "TELEGRAM_MPS", "UNPACED", "WECHAT_MPS", "0.5")).pacing();

        assertEquals(new Config.Pacing(1, 0, 0, 0, 0.5, 1), pacing);
    }

    @ParameterizedTest
    @CsvSource({"TWILIO_MPS, ten", "TWILIO_MPS, -1", "TELEGRAM_MPS, NaN", "WECHAT_MPS, Infinity"})
    void anythingElseIsRefusedWithItsName(String name, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(Map.of(name, value)));

        assertEquals(name + " must be messages a second (a number ≥ 0, like 10 or 0.5) or unpaced, not \"" + value + "\"",
                e.getMessage());
    }
}
