package org.shouhu.gateway.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A small season through the whole node, its minutes' messages handled on several threads at once. */
class SeasonSimulationTest {

    @Test
    void aSmallSeasonClosesEveryChildDayAndAlertsEveryNoShowOnceAndOnTime() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SeasonSimulation.run(new String[] {"--sites", "12", "--children", "240", "--days", "2", "--seed", "7"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        Map<String, String> table = table(printed.toString(StandardCharsets.UTF_8));

        assertEquals("12, 240, 2", table.get("sites, children, site days"));
        assertEquals("480", table.get("child-days"));
        assertEquals("100.00 %", table.get("child-days closed (checked out, absent, or escalated)"));
        assertEquals("0", table.get("alerts for reported absences"));
        assertEquals("0", table.get("duplicate alerts"));
        String onTime = table.get("no-shows alerted within 60 s of the deadline");
        assertEquals("100.00 %", onTime.substring(0, onTime.indexOf(" (")), onTime);
        // every message a staff member's check-in or check-out caused went out: one a guardian a child
        long arrivals = Long.parseLong(table.get("sent, ARRIVAL"));
        assertTrue(arrivals > 2 * 200, "most of 240 children arrive on each of 2 days: " + arrivals);
        assertEquals(arrivals, Long.parseLong(table.get("sent, PICKUP")));
        // day 2 is the season's last: its drowning alert says so, to the same guardians, and is answered like any
        long drowning = Long.parseLong(table.get("sent, DROWNING_ALERT"));
        assertEquals(drowning, Long.parseLong(table.get("sent, DROWNING_ALERT_SEASON_END")));
        long acknowledged = Long.parseLong(table.get("sent, ALERT_ACKNOWLEDGED"));
        assertTrue(acknowledged > 0.15 * drowning, "a tenth of both days' alerts: " + acknowledged + " of 2 × " + drowning);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--help | simulate: unknown option --help; use simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]",
            "--days | simulate: --days needs a number; use simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]",
            "--days two | simulate: --days takes a whole number, not two",
            "--days 0 | simulate: --days must be at least 1, not 0",
            "--sites 12 --children | simulate: --children needs a number; use simulate [--sites 997] [--children 16069] [--days 30] [--seed 42]",
    })
    void badOptionsAreRefusedWithWhatToTypeBeforeAnythingStarts(String args, String refusal) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeasonSimulation.options(args.split(" ")));

        assertEquals(refusal, e.getMessage());
    }

    @Test
    void optionsLeftOutKeepTheirDefaults() {
        assertEquals(Map.of("--sites", 12, "--children", 16069, "--days", 2, "--seed", -7),
                SeasonSimulation.options(new String[] {"--sites", "12", "--days", "2", "--seed", "-7"}));
    }

    private static Map<String, String> table(String printed) {
        Map<String, String> rows = new HashMap<>();
        for (String line : printed.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3) {
                rows.put(cells[1].strip(), cells[2].strip());
            }
        }
        return rows;
    }
}
