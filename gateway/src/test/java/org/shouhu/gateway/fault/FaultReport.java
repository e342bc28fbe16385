package org.shouhu.gateway.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's figures and checks: prints {@code scenario: accepted N, delivered N, lost N,
 * duplicated N, …}, keeps the row in {@code target/fault-report.md} (a row per scenario, replaced
 * when it runs again, so one method can run alone), and only then fails with every check that
 * did not hold, so a failing scenario still reports what it saw.
 */
final class FaultReport {

    private static final Path FILE = Path.of(System.getProperty("basedir", "."), "target", "fault-report.md");
    private static final String HEADER = """
            | scenario | accepted | delivered | lost | duplicated | other figures | guarantee | result |
            |---|---|---|---|---|---|---|---|
            """;

    private final String scenario;
    private final String guarantee;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private long accepted;
    private long delivered;
    private long lost;
    private long duplicated;

    FaultReport(String scenario, String guarantee) {
        this.scenario = scenario;
        this.guarantee = guarantee;
    }

    FaultReport counts(long accepted, long delivered, long lost, long duplicated) {
        this.accepted = accepted;
        this.delivered = delivered;
        this.lost = lost;
        this.duplicated = duplicated;
        return this;
    }

    FaultReport figure(String name, Object value) {
        figures.put(name, value);
        return this;
    }

    /** A check of the scenario: recorded now, failed in {@link #finish()}. */
    FaultReport check(boolean holds, String what) {
        if (!holds) {
            failures.add(what);
        }
        return this;
    }

    /** Prints the line, writes the row, then fails with every check that did not hold. */
    void finish() throws IOException {
        StringBuilder other = new StringBuilder();
        figures.forEach((k, v) -> other.append(other.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        String line = scenario + ": accepted " + accepted + ", delivered " + delivered + ", lost " + lost
                + ", duplicated " + duplicated + (other.length() == 0 ? "" : ", " + other);
        System.out.println(line);
        String result = failures.isEmpty() ? "ok" : "FAIL: " + String.join("; ", failures);
        String row = "| " + scenario + " | " + accepted + " | " + delivered + " | " + lost + " | " + duplicated + " | "
                + other + " | " + guarantee + " | " + result.replace("|", "/").replace("\n", " ") + " |";
        write(row);
        if (!failures.isEmpty()) {
            throw new AssertionError(scenario + " — " + String.join("; ", failures) + "\n" + line);
        }
    }

    private synchronized void write(String row) throws IOException {
        Files.createDirectories(FILE.getParent());
        List<String> rows = new ArrayList<>();
        if (Files.exists(FILE)) {
            for (String l : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
                if (l.startsWith("| ") && !l.startsWith("| scenario ") && !l.startsWith("| " + scenario + " |")) {
                    rows.add(l);
                }
            }
        }
        rows.add(row);
        rows.sort(null);
        Files.writeString(FILE, "# Fault suite figures\n\n" + HEADER + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    }
}
