package org.shouhu.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;

/** A ladder's log, as the escalation report reads it: each step's time, and who or what ended it in words. */
class EscalationReportTest {

    static final LocalDate DAY = LocalDate.parse("2026-07-15");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "on-the-way | 监护人回1：在路上",
            "coming | 监护人回1：马上来接",
            "absent | 监护人回2：今天不来",
            "escort | 监护人回3：请护送",
            "checked-in | 工作人员签到",
            "picked-up | 工作人员签退：已接走",
            "left | 工作人员签退",
            "gone | 孩子或托管点已删除",
            "last-step | 无人回复，升级结束",
            "=cmd | '=cmd",
    })
    void howALadderEndedIsSaidInWords(String reason, String words) {
        assertEquals(words, EscalationReport.how(reason));
    }

    @Test
    void aLadderStillOpenHasNoEndAndOnlyTheStepsItTook() {
        Ladder open = new Ladder("ZT0427", DAY, "c1", LadderKind.NO_SHOW, 1,
                List.of("guardians@2026-07-15T00:30:00Z", "captain@2026-07-15T00:45:00Z", "a note of an older version"), false);

        EscalationReport.Row row = EscalationReport.row(open, null, null);

        assertEquals(Instant.parse("2026-07-15T00:30:00Z"), row.opened());
        assertEquals(Instant.parse("2026-07-15T00:45:00Z"), row.captainTold());
        assertNull(row.coordinatorTold());
        assertNull(row.closedAt());
        assertEquals("未结束", EscalationReport.how(row.closedBy()));
    }
}
