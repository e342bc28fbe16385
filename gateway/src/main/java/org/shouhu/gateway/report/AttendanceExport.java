package org.shouhu.gateway.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attendance ledger (台账) a site or a county hands in ({@code GET /api/exports/attendance.csv}, the
 * console's {@code /console/exports/attendance.csv}), one row per child per day the site kept attendance,
 * as CSV in UTF-8 with a byte order mark, so that Excel opens the Chinese correctly. A day with no record at the site (closed, not a
 * site day) has no rows; a child with no record on a day that has some was not checked in (未到), unless
 * the child was put on the roster only later (no row).
 */
public final class AttendanceExport {

    /** The CSV's columns. */
    public static final List<String> HEADER = List.of("日期", "区县", "托管点编号", "托管点", "编号", "姓名", "状态", "到达", "离开", "接走人",
            "要求护送");
    private static final Logger LOG = LoggerFactory.getLogger(AttendanceExport.class);

    private final CareStore care;
    private final ZoneId zone;

    /** Reads {@code care}; a child's first day is the date, in {@code zone}, it was put on its roster. */
    public AttendanceExport(CareStore care, ZoneId zone) {
        this.care = care;
        this.zone = zone;
    }

    /**
     * The range's ledger as the CSV file {@code attendance-{from}-{to}.csv}. Cost: per site its roster (cached),
     * when its children were added, and its days' records in one round trip.
     */
    public Csv.File csv(ReportRange range) {
        List<LocalDate> dates = range.days();
        Csv.File file = Csv.write("attendance-" + range.from() + "-" + range.to() + ".csv", HEADER, csv -> {
            int rows = 0;
            for (Site site : range.sites()) {
                List<Child> roster = care.roster(site.code()).stream().sorted(Comparator.comparingInt(Child::rosterNo)).toList();
                Map<String, Instant> added = care.addedAt(roster.stream().map(Child::id).toList());
                Map<LocalDate, Map<String, DayRecord>> days = care.days(site.code(), dates); // one round trip a site
                for (LocalDate date : dates) {
                    Map<String, DayRecord> day = days.get(date);
                    if (day.isEmpty()) {
                        continue;
                    }
                    for (Child child : roster) {
                        Instant on = added.get(child.id());
                        if (on != null && date.isBefore(on.atZone(zone).toLocalDate())) {
                            continue; // not on the roster yet that day: no row, not a false 未到
                        }
                        DayRecord r = day.getOrDefault(child.id(), DayRecord.expected(child.id()));
                        csv.printRecord(date, text(site.county()), site.code(), text(site.name()), child.rosterNo(), text(child.name()),
                                word(r.state()), time(r.arrivedAt()), time(r.leftAt()), text(r.pickedUpBy()),
                                r.escortRequested() ? "是" : "");
                        rows++;
                    }
                }
            }
            return rows;
        });
        LOG.info("attendance exported: {} site(s), {} to {}, {} rows", range.sites().size(), range.from(), range.to(), file.rows());
        return file;
    }

    /** How the ledger names a child's state at the end of the day's record. */
    public static String word(ChildState state) {
        return switch (state) {
            case EXPECTED -> "未到";
            case ARRIVED -> "已到未接走";
            case LEFT -> "已接走";
            case ABSENT -> "请假";
        };
    }

    /** Typed text as the ledger writes it, kept from opening as a formula ({@link Csv#text}). */
    static String text(String typed) {
        return Csv.text(typed);
    }

    private static String time(LocalTime t) {
        return t == null ? "" : t.withSecond(0).withNano(0).toString();
    }
}
