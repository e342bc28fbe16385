package org.shouhu.routes.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PhoneTest {

    private static final String MOBILE = "+8613912345678";

    @ParameterizedTest(name = "[{index}] \"{0}\" → {1}")
    @MethodSource("forms")
    void readsAsPeopleWriteIt(String typed, String expected) {
        assertEquals(Optional.ofNullable(expected), Phone.parse(typed).map(Phone::e164));
    }

    static Stream<Arguments> forms() {
        return Stream.of(
                // one mainland mobile, written every way people write it
                Arguments.of("+8613912345678", MOBILE),
                Arguments.of("13912345678", MOBILE),
                Arguments.of("139 1234 5678", MOBILE),
                Arguments.of("139-1234-5678", MOBILE),
                Arguments.of("+86 139 1234 5678", MOBILE),
                Arguments.of("+86-139-1234-5678", MOBILE),
                Arguments.of("+86 0139 1234 5678", MOBILE), // a trunk 0 after the country code
                Arguments.of("+8601391234 5678", MOBILE),
                Arguments.of("+86 (0)139 1234 5678", MOBILE),
                Arguments.of("0086 139 1234 5678", MOBILE),
                Arguments.of("0086 0139 1234 5678", MOBILE),
                Arguments.of("008613912345678", MOBILE),
                Arguments.of("8613912345678", MOBILE),
                Arguments.of("86 139 1234 5678", MOBILE),
                Arguments.of("86 0139 1234 5678", MOBILE),
                Arguments.of("013912345678", MOBILE), // dialled with a trunk 0 from a landline
                Arguments.of("１３９１２３４５６７８", MOBILE), // full-width digits
                Arguments.of("＋８６　１３９－１２３４－５６７８", MOBILE),
                Arguments.of("\u00a0139\u20121234\u20135678 ", MOBILE), // no-break space, figure dash, en dash
                Arguments.of(" +8613912345678\t", MOBILE),
                // landlines and other countries keep their digits
                Arguments.of("+86 10 1234 5678", "+861012345678"),
                Arguments.of("+86 010 1234 5678", "+861012345678"), // Beijing, trunk 0 dropped after +86
                Arguments.of("+39 06 1234 5678", "+390612345678"), // Italy keeps its leading 0
                Arguments.of("+1 415-555-0100", "+14155550100"),
                Arguments.of("0044 20 7946 0958", "+442079460958"),
                Arguments.of("+852 9123 4567", "+85291234567"),
                // not phone numbers
                Arguments.of(null, null),
                Arguments.of("", null),
                Arguments.of("12345", null),
                Arguments.of("1391234567", null), // 10 digits
                Arguments.of("139123456789", null), // 12 digits, no country code
                Arguments.of("12912345678", null), // no mainland mobile starts 12
                Arguments.of("+86 0", null),
                Arguments.of("+0 139 1234 5678", null),
                Arguments.of("c1:guardians", null),
                Arguments.of("139１２３４５６７８abc", null),
                Arguments.of("+86 139 1234 5678 9999 9999", null));
    }

    @Test
    void theSameMobileWrittenTwoWaysIsOnePhone() {
        assertEquals(Phone.parse("13912345678"), Phone.parse("+86 0139 1234 5678"));
    }

    @Test
    void theConstructorStillTakesOnlyE164() {
        assertThrows(IllegalArgumentException.class, () -> new Phone("13912345678"));
        assertEquals(MOBILE, new Phone(MOBILE).e164());
    }
}
