package org.shouhu.gateway.importer;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * One CSV file as a spreadsheet saves it: UTF-8 (a leading BOM is dropped), a header row naming
 * the columns, then the rows, each with the line it starts on as a person counts lines (header =
 * line 1). Problems with the file or its header go to {@link ImportErrors}, and then no rows come
 * back, so rows are never read against a header that is wrong.
 */
final class CsvFile {

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setTrim(true).setIgnoreEmptyLines(true).get();

    private CsvFile() {
    }

    /** The columns a file must have and those it may have. */
    record Columns(List<String> required, List<String> optional) {

        List<String> all() {
            List<String> all = new ArrayList<>(required);
            all.addAll(optional);
            return all;
        }
    }

    /**
     * One row: its line and its values by column name (a column the row does not reach reads as
     * empty). A row with more values than the header has columns is already reported: only its
     * first columns are there, for whatever they tell (a site code that other files refer to).
     */
    record Row(int line, Map<String, String> values, boolean reported) {

        String get(String column) {
            return values.getOrDefault(column, "");
        }
    }

    /** The rows of {@code path}; empty (with the reasons in {@code errors}) when the file or its header is wrong. */
    static Optional<List<Row>> read(Path path, Columns columns, ImportErrors errors) throws IOException {
        String file = path.getFileName().toString();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
        } catch (CharacterCodingException e) {
            errors.file(file, "is not UTF-8 text; save it as \"CSV UTF-8\" (Excel, WPS) and import it again");
            return Optional.empty();
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Lines lines = new Lines(text);
        try (CSVParser parser = CSVParser.parse(new StringReader(text), FORMAT)) {
            return rows(file, parser, lines, columns, errors);
        }
    }

    private static Optional<List<Row>> rows(String file, CSVParser parser, Lines lines, Columns columns,
                                            ImportErrors errors) {
        Iterator<CSVRecord> records = parser.iterator();
        long finished = 0;
        try {
            if (!records.hasNext()) {
                errors.file(file, "is empty; its first line must name the columns: " + String.join(",", columns.all()));
                return Optional.empty();
            }
            CSVRecord first = records.next();
            finished = parser.getCurrentLineNumber();
            List<String> header = header(file, lines.lineAt(first.getCharacterPosition()), first, columns, errors);
            if (header == null) {
                return Optional.empty();
            }
            List<Row> rows = new ArrayList<>();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                finished = parser.getCurrentLineNumber();
                row(file, lines.lineAt(record.getCharacterPosition()), record, header, errors).ifPresent(rows::add);
            }
            return Optional.of(rows);
        } catch (UncheckedIOException e) {
            // Reading from a string, only quoting can be wrong: in the record after the last one finished.
            errors.add(file, lines.lineAt(lines.start(finished + 1)), "a value in \"quotes\" is not closed properly "
                    + "(a quote inside a value is written twice: \"\")");
            return Optional.empty();
        }
    }

    /** The record as a row by column name; empty when all its values are blank. */
    private static Optional<Row> row(String file, int line, CSVRecord record, List<String> header, ImportErrors errors) {
        boolean tooWide = record.size() > header.size() && !blankFrom(record, header.size());
        if (tooWide) {
            errors.add(file, line, "has " + record.size() + " values but the header names " + header.size()
                    + " columns (put a value that contains a comma in \"quotes\")");
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < Math.min(record.size(), header.size()); i++) {
            values.put(header.get(i), record.get(i));
        }
        return values.values().stream().allMatch(String::isBlank) ? Optional.empty()
                : Optional.of(new Row(line, values, tooWide));
    }

    /** The column names, lower-cased; null when the header is wrong (the reasons go to {@code errors}). */
    private static List<String> header(String file, int line, CSVRecord record, Columns columns, ImportErrors errors) {
        List<String> names = new ArrayList<>(record.toList().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList());
        while (!names.isEmpty() && names.get(names.size() - 1).isEmpty()) {
            names.remove(names.size() - 1);
        }
        String expected = " (the columns are: " + String.join(",", columns.all()) + ")";
        int before = errors.count();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                errors.add(file, line, "column " + (i + 1) + " has no name" + expected);
            } else if (seen.putIfAbsent(name, i) != null) {
                errors.add(file, line, "column \"" + name + "\" appears twice");
            } else if (!columns.all().contains(name)) {
                errors.add(file, line, "unknown column \"" + name + "\"" + expected);
            }
        }
        for (String required : columns.required()) {
            if (!seen.containsKey(required)) {
                errors.add(file, line, "missing column \"" + required + "\"" + expected);
            }
        }
        return errors.count() == before ? names : null;
    }

    private static boolean blankFrom(CSVRecord record, int from) {
        for (int i = from; i < record.size(); i++) {
            if (!record.get(i).isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Where each line of a text starts, to turn a record's character position into its line number. */
    private static final class Lines {

        private final String text;
        private final int[] starts;

        Lines(String text) {
            this.text = text;
            List<Integer> found = new ArrayList<>(List.of(0));
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                    found.add(i + 1);
                }
            }
            this.starts = found.stream().mapToInt(Integer::intValue).toArray();
        }

        /** Where 1-based {@code line} starts (the end of the text for a line past the last). */
        int start(long line) {
            return line >= 1 && line <= starts.length ? starts[(int) line - 1] : text.length();
        }

        /**
         * The 1-based line of the record at {@code position}. The parser puts a record after the
         * blank lines it skipped, so those are stepped over first.
         */
        int lineAt(long position) {
            int at = (int) Math.min(position, text.length());
            while (at < text.length() && (text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
                at++;
            }
            int found = Arrays.binarySearch(starts, at);
            return found >= 0 ? found + 1 : -found - 1;
        }
    }
}
