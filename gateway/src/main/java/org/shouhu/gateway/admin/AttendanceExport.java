package org.shouhu.gateway.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.port.CareStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/exports/attendance.csv?county=…|site=…&from=…&to=…}: the attendance ledger (台账) a site
 * or a county hands in, one row per child per day the site kept attendance, as CSV in UTF-8 with a byte
 * order mark, so that Excel opens the Chinese correctly. A day with no record at the site (closed, not a
 * site day) has no rows; a child with no record on a day that has some was not checked in (未到), unless
 * the child was put on the roster only later (no row).
 */
final class AttendanceExport {

    /** The longest range one export covers: a summer and a little more. */
    static final int MAX_DAYS = 124;
    static final List<String> HEADER = List.of("日期", "区县", "托管点编号", "托管点", "编号", "姓名", "状态", "到达", "离开", "接走人",
            "要求护送");
    private static final Logger LOG = LoggerFactory.getLogger(AttendanceExport.class);

    private final CareStore care;
    private final ZoneId zone;

    /** Reads {@code care}; a child's first day is the date, in {@code zone}, it was put on its roster. */
    AttendanceExport(CareStore care, ZoneId zone) {
        this.care = care;
        this.zone = zone;
    }

    HttpReply csv(String county, String siteCode, String fromText, String toText) {
        if ((county == null || county.isBlank()) == (siteCode == null || siteCode.isBlank())) {
            throw new ApiRefusal(400, "give either county=… or site=…, not both and not neither");
        }
        LocalDate from = date("from", fromText);
        LocalDate to = date("to", toText);
        if (to.isBefore(from)) {
            throw new ApiRefusal(400, "to (" + to + ") is before from (" + from + ")");
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_DAYS) {
            throw new ApiRefusal(400, "at most " + MAX_DAYS + " days in one export, not " + days);
        }
        List<Site> sites = county != null && !county.isBlank()
                ? care.sites().stream().filter(s -> county.strip().equals(s.county())).sorted(Comparator.comparing(Site::code)).toList()
                : care.site(siteCode.strip()).map(List::of).orElse(List.of());
        if (sites.isEmpty()) {
            throw new ApiRefusal(404, county != null && !county.isBlank() ? "no sites in county " + county.strip()
                    : "no site " + siteCode.strip());
        }
        StringBuilder out = new StringBuilder("\uFEFF");
        int rows = 0;
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(HEADER.toArray(String[]::new)).get())) {
            for (Site site : sites) {
                List<Child> roster = care.roster(site.code()).stream().sorted(Comparator.comparingInt(Child::rosterNo)).toList();
                Map<String, Instant> added = care.addedAt(roster.stream().map(Child::id).toList());
                for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
                    Map<String, DayRecord> day = care.day(site.code(), date);
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
        } catch (IOException e) {
            throw new IllegalStateException("writing CSV to memory failed", e);
        }
        LOG.info("attendance exported: {} site(s), {} to {}, {} rows", sites.size(), from, to, rows);
        return new HttpReply(200, "text/csv; charset=utf-8", out.toString().getBytes(StandardCharsets.UTF_8))
                .withHeader("Content-Disposition", "attachment; filename=\"attendance-" + from + "-" + to + ".csv\"");
    }

    /** How the ledger names a child's state at the end of the day's record. */
    static String word(ChildState state) {
        return switch (state) {
            case EXPECTED -> "未到";
            case ARRIVED -> "已到未接走";
            case LEFT -> "已接走";
            case ABSENT -> "请假";
        };
    }

    /**
     * Text someone typed (a name, who picked a child up, as texted by staff), safe to open in a spreadsheet:
     * one that starts like a formula ({@code = + - @}, a tab or a return) gets a leading apostrophe, so
     * Excel shows it instead of running it.
     */
    static String text(String typed) {
        if (typed == null || typed.isEmpty()) {
            return "";
        }
        return "=+-@\t\r".indexOf(typed.charAt(0)) >= 0 ? "'" + typed : typed;
    }

    private static String time(LocalTime t) {
        return t == null ? "" : t.withSecond(0).withNano(0).toString();
    }

    private static LocalDate date(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new ApiRefusal(400, name + " is required: a date like 2026-07-01");
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new ApiRefusal(400, name + " must be a date like 2026-07-01, not " + text.strip());
        }
    }
}
