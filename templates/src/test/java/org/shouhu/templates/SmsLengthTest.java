package org.shouhu.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmsLengthTest {

    @ParameterizedTest(name = "{0} chars of {1} → {2} segment(s)")
    @CsvSource({
        "70, 中, 1",
        "71, 中, 2",
        "134, 中, 2",
        "135, 中, 3",
        "201, 中, 3",
        "202, 中, 4",
        "160, a, 1",
        "161, a, 2",
        "306, a, 2",
        "307, a, 3",
    })
    void segmentsFollowTheCarrierRules(int length, String ch, int expected) {
        assertEquals(expected, SmsLength.segments(ch.repeat(length)));
    }

    @ParameterizedTest
    @CsvSource({
        "'【守护托管】王小明', false",
        "'Hello, world!', true",
        "'price 5€', true",
        "'emoji 😀', false",
    })
    void encodingIsGsm7OnlyWhenEveryCharacterIs(String text, boolean gsm) {
        assertEquals(gsm, SmsLength.isGsm7(text));
    }

    @ParameterizedTest
    @CsvSource({"'a{', 3", "'中😀', 3", "'ab', 2"})
    void unitsCountExtendedGsmTwiceAndSurrogatePairsAsTwo(String text, int units) {
        assertEquals(units, SmsLength.units(text));
    }
}
