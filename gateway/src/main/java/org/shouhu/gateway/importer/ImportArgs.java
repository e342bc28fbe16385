package org.shouhu.gateway.importer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The files {@code shouhu import} was given: {@code --sites} and {@code --children}, and {@code --staff} if any. */
record ImportArgs(Path sites, Path children, Path staff, boolean help) {

    static final String USAGE = "usage: shouhu import --sites sites.csv --children children.csv [--staff staff.csv]";

    /**
     * Reads the flags ({@code --sites x.csv} or {@code --sites=x.csv}); a leading {@code import}
     * (the subcommand itself) is skipped.
     *
     * @throws IllegalArgumentException saying what is wrong with them
     */
    static ImportArgs parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        int i = args.length > 0 && "import".equals(args[0]) ? 1 : 0;
        for (; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return new ImportArgs(null, null, null, true);
            }
            String flag = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!flag.equals("--sites") && !flag.equals("--children") && !flag.equals("--staff")) {
                throw new IllegalArgumentException("unknown option " + flag);
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException(flag + " needs a file name");
                }
                value = args[++i];
            }
            if (value.isBlank()) {
                throw new IllegalArgumentException(flag + " needs a file name");
            }
            if (given.put(flag, value) != null) {
                throw new IllegalArgumentException(flag + " is given twice");
            }
        }
        if (!given.containsKey("--sites") || !given.containsKey("--children")) {
            throw new IllegalArgumentException("both --sites and --children are needed");
        }
        String staff = given.get("--staff");
        return new ImportArgs(Path.of(given.get("--sites")), Path.of(given.get("--children")),
                staff == null ? null : Path.of(staff), false);
    }
}
