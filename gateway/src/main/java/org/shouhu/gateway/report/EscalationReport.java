package org.shouhu.gateway.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;

/**
 * Every escalation ladder of a range — a child expected who did not arrive (未到), or one not picked up
 * in time (逾期未接) — with the time of each step it took and how it ended, read from the ladder's own
 * log. The ladder tells the guardians as it opens, so its opening time is theirs.
 */
public final class EscalationReport {

    /** The CSV's columns. */
    public static final List<String> HEADER = List.of("日期", "区县", "托管点编号", "托管点", "编号", "姓名", "类型",
            "发起并告知监护人", "告知队长", "告知协调员", "结束时间", "结束方式");

    /** How a ladder that ran its course ends: its last step, the coordinator's, closes it. */
    public static final String LAST_STEP = "last-step";

    /**
     * One escalation.
     *
     * @param child             null when the child is no longer on the site's roster
     * @param captainTold       when the captain's step was taken; null when it was not reached
     * @param noCaptain         the step was taken but the site had no captain to tell
     * @param coordinatorTold   when the coordinator's step was taken; null when it was not reached
     * @param noCoordinator     the step was taken but the county had no coordinator to tell
     * @param closedAt          null while it is open
     * @param closedBy          why it closed, as the ladder records it ({@code on-the-way}, {@code checked-in}, …,
     *                          {@link #LAST_STEP}); null while it is open
     */
    public record Row(LocalDate date, Site site, Child child, LadderKind kind, Instant opened, Instant captainTold,
                      boolean noCaptain, Instant coordinatorTold, boolean noCoordinator, Instant closedAt, String closedBy) {
    }

    private final CareStore care;
    private final SafetyStore safety;
    private final ZoneId zone;

    public EscalationReport(CareStore care, SafetyStore safety, ZoneId zone) {
        this.care = care;
        this.safety = safety;
        this.zone = zone;
    }

    /**
     * The range's escalations by day, site and when each opened. Cost: the sites' ladder indexes in one
     * pipeline, the ladders in pipelines of a thousand, and each site's roster (cached).
     */
    public List<Row> rows(ReportRange range) {
        Map<String, Site> sites = new HashMap<>();
        range.sites().forEach(s -> sites.put(s.code(), s));
        Map<String, Child> children = new HashMap<>();
        range.sites().forEach(s -> care.roster(s.code()).forEach(c -> children.put(c.id(), c)));
        List<Row> rows = new ArrayList<>();
        for (Ladder ladder : safety.laddersOpened(range.siteCodes(), range.from(), range.to())) {
            rows.add(row(ladder, sites.get(ladder.siteCode()), children.get(ladder.childId())));
        }
        rows.sort(Comparator.comparing(Row::date).thenComparing(r -> r.site().code())
                .thenComparing(Row::opened, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(r -> r.child() == null ? Integer.MAX_VALUE : r.child().rosterNo()));
        return rows;
    }

    /** The range's escalations as CSV ({@link #HEADER}), times in the sites' zone to the minute. */
    public Csv.File csv(ReportRange range) {
        List<Row> rows = rows(range);
        return Csv.write("escalations-" + range.from() + "-" + range.to() + ".csv", HEADER, csv -> {
            for (Row r : rows) {
                csv.printRecord(r.date(), Csv.text(r.site().county()), r.site().code(), Csv.text(r.site().name()),
                        r.child() == null ? "" : r.child().rosterNo(), r.child() == null ? "" : Csv.text(r.child().name()),
                        word(r.kind()), Csv.time(r.opened(), r.date(), zone),
                        step(r.captainTold(), r.noCaptain(), "无队长可告知", r.date()),
                        step(r.coordinatorTold(), r.noCoordinator(), "未设协调员", r.date()),
                        Csv.time(r.closedAt(), r.date(), zone), how(r.closedBy()));
            }
            return rows.size();
        });
    }

    private String step(Instant at, boolean nobody, String why, LocalDate date) {
        String time = Csv.time(at, date, zone);
        return nobody ? time + " " + why : time;
    }

    /** What the ladder's log says: each entry is {@code what@instant} ({@link Ladder#entry}). */
    static Row row(Ladder ladder, Site site, Child child) {
        Instant opened = null;
        Instant captain = null;
        Instant coordinator = null;
        Instant closedAt = null;
        String closedBy = null;
        boolean noCaptain = false;
        boolean noCoordinator = false;
        for (String entry : ladder.steps()) {
            int at = entry.lastIndexOf('@');
            Instant when = at < 0 ? null : instant(entry.substring(at + 1));
            if (when == null) {
                continue; // not an entry of ours
            }
            String what = entry.substring(0, at);
            if (what.equals(Ladder.stepName(0))) {
                opened = when;
            } else if (what.startsWith(Ladder.stepName(1))) {
                captain = when;
                noCaptain = what.endsWith(":nobody");
            } else if (what.startsWith(Ladder.stepName(2))) {
                coordinator = when;
                noCoordinator = what.endsWith(":nobody");
            } else if (what.startsWith("closed:") && closedAt == null) {
                closedAt = when;
                closedBy = what.substring("closed:".length());
            }
        }
        if (ladder.closed() && closedBy == null) { // ran its course: the coordinator's step closed it
            closedBy = LAST_STEP;
            closedAt = coordinator;
        }
        return new Row(ladder.date(), site, child, ladder.kind(), opened, captain, noCaptain, coordinator, noCoordinator,
                closedAt, closedBy);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** How the report names a ladder's kind, as the texts to guardians and staff put it. */
    public static String word(LadderKind kind) {
        return switch (kind) {
            case NO_SHOW -> "未到";
            case OVERDUE -> "逾期未接";
        };
    }

    /** How the report says a ladder ended: who answered, or what closed it; {@code 未结束} while it is open. */
    public static String how(String closedBy) {
        if (closedBy == null) {
            return "未结束";
        }
        return switch (closedBy) {
            case "on-the-way" -> "监护人回1：在路上";
            case "coming" -> "监护人回1：马上来接";
            case "absent" -> "监护人回2：今天不来";
            case "escort" -> "监护人回3：请护送";
            case "checked-in" -> "工作人员签到";
            case "picked-up" -> "工作人员签退：已接走";
            case "left" -> "工作人员签退";
            case "not-checked-in" -> "记录改为未到";
            case "gone" -> "孩子或托管点已删除";
            case LAST_STEP -> "无人回复，升级结束";
            default -> Csv.text(closedBy);
        };
    }
}
