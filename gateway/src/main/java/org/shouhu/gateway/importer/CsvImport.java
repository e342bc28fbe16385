package org.shouhu.gateway.importer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.port.CareStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a county's sites, staff and children from CSV files all at once or not at all: every row
 * of every file is checked first with the same rules as the admin API, and one bad row means
 * nothing is written. Then a single {@link CareStore#importAll} call writes everything.
 */
public final class CsvImport {

    private static final Logger LOG = LoggerFactory.getLogger(CsvImport.class);

    static final CsvFile.Columns SITES = new CsvFile.Columns(
            List.of("code", "name", "county", "opens", "closes"), List.of());
    static final CsvFile.Columns STAFF = new CsvFile.Columns(
            List.of("site_code", "phone", "name", "role"), List.of());
    static final CsvFile.Columns CHILDREN = new CsvFile.Columns(
            List.of("site_code", "child_name", "guardian1_phone"),
            List.of("guardian1_relation", "guardian2_phone", "guardian2_relation",
                    "guardian1_voice_first", "guardian2_voice_first")); // voice: yes/no, empty is no

    private final CareStore store;

    public CsvImport(CareStore store) {
        this.store = store;
    }

    /**
     * Checks the files and, when every row is good, imports them.
     *
     * @param staff the staff file, or null when there is none
     * @throws ImportRejected listing every problem found; nothing was written
     * @throws IOException    when a file cannot be read
     */
    public ImportResult importFiles(Path sites, Path children, Path staff) throws ImportRejected, IOException {
        ImportErrors errors = new ImportErrors();
        ImportPlan plan = new ImportPlan(store, errors);
        plan.readSites(name(sites), CsvFile.read(sites, SITES, errors));
        if (staff != null) {
            plan.readStaff(name(staff), CsvFile.read(staff, STAFF, errors));
        }
        plan.readChildren(name(children), CsvFile.read(children, CHILDREN, errors));
        if (!errors.isEmpty()) {
            LOG.info("import refused: {} problem(s) in the files, nothing written", errors.count());
            throw new ImportRejected(errors.lines());
        }
        List<Child> created = store.importAll(plan.sites(), plan.staff(), plan.children());
        ImportResult result = new ImportResult(plan.sites().size(), plan.staff().size(), created.size());
        LOG.info("import done: {}", result.summary());
        return result;
    }

    private static String name(Path path) {
        return path.getFileName().toString();
    }

    /**
     * {@code shouhu import --sites sites.csv --children children.csv [--staff staff.csv]}: prints
     * the summary to {@code out}, or the problems to {@code err}.
     *
     * @return 0 when imported, 1 when rows were bad (nothing imported), 2 for bad usage or a file
     *         that cannot be read
     */
    public static int run(String[] args, CareStore store, PrintStream out, PrintStream err) {
        ImportArgs files;
        try {
            files = ImportArgs.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(ImportArgs.USAGE);
            return 2;
        }
        if (files.help()) {
            out.println(ImportArgs.USAGE);
            out.println("The columns and examples are in docs/import.md.");
            return 0;
        }
        try {
            out.println(new CsvImport(store).importFiles(files.sites(), files.children(), files.staff()).summary());
            return 0;
        } catch (ImportRejected e) {
            e.errors().forEach(err::println);
            err.println("nothing was imported: " + e.errors().size()
                    + (e.errors().size() == 1 ? " problem" : " problems") + " to fix first");
            return 1;
        } catch (NoSuchFileException e) {
            err.println("cannot read " + e.getFile() + ": no such file");
            return 2;
        } catch (AccessDeniedException e) {
            err.println("cannot read " + e.getFile() + ": permission denied");
            return 2;
        } catch (IOException e) {
            err.println("cannot read the import files: " + e.getMessage());
            return 2;
        }
    }
}
