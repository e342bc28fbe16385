package org.shouhu.gateway.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * How the coordinator's CSV files are written, the same for each: UTF-8 with a byte order mark (so
 * Excel shows the Chinese), commons-csv quoting, text people typed kept from opening as a formula,
 * times in the sites' zone to the minute, and phone numbers in a form Excel keeps as text.
 */
public final class Csv {

    /** A CSV file as a download: its file name, its bytes (with the mark) and how many rows under the header. */
    public record File(String name, byte[] bytes, int rows) {
    }

    /** Writes the rows of one file; {@code rows} prints them and returns how many it printed. */
    @FunctionalInterface
    public interface Rows {
        int print(CSVPrinter csv) throws IOException;
    }

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_AND_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private Csv() {
    }

    /** A file of this name with this header and these rows, in UTF-8 after a byte order mark. */
    public static File write(String name, List<String> header, Rows rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        int printed;
        try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            out.write('\uFEFF'); // before the header, which the printer writes as it is made
            CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).get());
            printed = rows.print(csv);
            csv.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing CSV to memory failed", e);
        }
        return new File(name, bytes.toByteArray(), printed);
    }

    /**
     * Text someone typed (a name, who picked a child up, as texted by staff), safe to open in a spreadsheet:
     * one that starts like a formula ({@code = + - @}, a tab or a return) gets a leading apostrophe, so
     * Excel shows it instead of running it.
     */
    public static String text(String typed) {
        if (typed == null || typed.isEmpty()) {
            return "";
        }
        return "=+-@\t\r".indexOf(typed.charAt(0)) >= 0 ? "'" + typed : typed;
    }

    /** A time to the minute: {@code 08:45} on {@code day}, {@code 2026-07-16 08:45} on another; empty for none. */
    public static String time(Instant at, LocalDate day, ZoneId zone) {
        if (at == null) {
            return "";
        }
        ZonedDateTime local = at.atZone(zone);
        return local.toLocalDate().equals(day) ? MINUTE.format(local) : DAY_AND_MINUTE.format(local);
    }

    /** A date and time to the minute ({@code 2026-07-15 17:35}); empty for none. */
    public static String dateTime(Instant at, ZoneId zone) {
        return at == null ? "" : DAY_AND_MINUTE.format(at.atZone(zone));
    }

    /**
     * A phone number as a coordinator dials it and Excel keeps it: a Chinese mobile {@code +8613912345678}
     * as {@code 139 1234 5678} (a bare number would lose nothing but show as 1.39E+10; a leading + reads
     * as a formula); any other as given, kept as text ({@link #text}); empty for none.
     */
    public static String phone(String e164) {
        if (e164 == null || e164.isEmpty()) {
            return "";
        }
        if (e164.startsWith("+86") && e164.length() == 14 && e164.charAt(3) == '1') {
            return e164.substring(3, 6) + " " + e164.substring(6, 10) + " " + e164.substring(10);
        }
        return text(e164);
    }
}
