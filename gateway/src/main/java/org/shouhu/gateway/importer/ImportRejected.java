package org.shouhu.gateway.importer;

import java.util.List;

/**
 * An import refused because of bad rows: nothing was written. Each error is one line for the
 * coordinator, like {@code children.csv line 7: guardian1_phone "1391234" is not a phone number}.
 * The lines quote the files (phones, children's names): print them to the person, never log them.
 */
public final class ImportRejected extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public ImportRejected(List<String> errors) {
        super(errors.size() + " problem(s) in the import files; nothing was imported");
        this.errors = List.copyOf(errors);
    }

    /** Every problem found, in file and line order. */
    public List<String> errors() {
        return errors;
    }
}
