package org.shouhu.gateway.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which hash keeps a message's record: a thousand ids to a hash; ids that are not ours have none. */
class MessageHashTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(nullValues = "none", value = {
            "m1, sh:msgs:0",
            "m999, sh:msgs:0",
            "m1000, sh:msgs:1",
            "m2777556, sh:msgs:2777",
            "m999999999999999999, sh:msgs:999999999999999",
            "m9999999999999999999, none", // past a long
            "m, none",
            "m12a, none",
            "M12, none",
            "12, none",
            "'', none",
            "m-1, none"})
    void aMessageIdNamesItsHash(String id, String hash) {
        assertEquals(hash, Keys.messages(id));
    }
}
