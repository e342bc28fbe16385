package org.shouhu.routes.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailpointsTest {

    @AfterEach
    void disarm() {
        Failpoints.configure("");
    }

    @Test
    void anUnarmedPointDoesNothing() {
        Failpoints.configure("other=throw");
        Failpoints.hit("inbound.after-effect");
    }

    @Test
    void throwAtTheNthHitOnly() {
        Failpoints.configure("p=throw@2");
        Failpoints.hit("p");
        Failpoints.FailpointException e = assertThrows(Failpoints.FailpointException.class, () -> Failpoints.hit("p"));
        assertEquals("failpoint p", e.getMessage());
        Failpoints.hit("p");
    }

    @Test
    void throwOnEveryHitWithoutACount() {
        Failpoints.configure(" p = throw ");
        assertThrows(Failpoints.FailpointException.class, () -> Failpoints.hit("p"));
        assertThrows(Failpoints.FailpointException.class, () -> Failpoints.hit("p"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"p", "p=explode", "p=halt@0", "p=halt@x", "=halt"})
    void malformedSettingsAreRefusedWithTheirPart(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Failpoints.configure(spec));
        assertEquals(true, e.getMessage().startsWith("SHOUHU_FAILPOINTS: "), e.getMessage());
    }
}
