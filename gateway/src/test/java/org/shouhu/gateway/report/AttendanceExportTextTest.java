package org.shouhu.gateway.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Typed text in the ledger opens in a spreadsheet as text, never as a formula. */
class AttendanceExportTextTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "奶奶 | 奶奶",
            "=HYPERLINK(A1) | '=HYPERLINK(A1)",
            "+86 138 | '+86 138",
            "-1 | '-1",
            "@SUM(A1) | '@SUM(A1)",
            "王-小明 | 王-小明",
    })
    void aCellThatStartsLikeAFormulaIsKeptAsText(String typed, String cell) {
        assertEquals(cell, AttendanceExport.text(typed));
    }
}
