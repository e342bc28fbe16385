package org.shouhu.gateway.importer;

import java.util.ArrayList;
import java.util.List;
import org.shouhu.gateway.admin.InvalidInput;

/** The problems found while checking import files, each as a line naming the file and the line in it. */
final class ImportErrors {

    private final List<String> lines = new ArrayList<>();

    /** A problem with a row (or the header, line 1), lines counted as a person counts them. */
    void add(String file, int line, String message) {
        lines.add(file + " line " + line + ": " + message);
    }

    /** A refused value, named by the column it came from. */
    void add(String file, int line, InvalidInput problem, String column) {
        add(file, line, column + " " + problem.reason());
    }

    /** A problem with the file as a whole (not UTF-8, empty). */
    void file(String file, String message) {
        lines.add(file + ": " + message);
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    int count() {
        return lines.size();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }
}
