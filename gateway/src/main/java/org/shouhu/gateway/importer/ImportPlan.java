package org.shouhu.gateway.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.shouhu.gateway.admin.ChildInput;
import org.shouhu.gateway.admin.GuardianInput;
import org.shouhu.gateway.admin.InvalidInput;
import org.shouhu.gateway.admin.SiteInput;
import org.shouhu.gateway.admin.StaffInput;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;

/**
 * What an import will write, built row by row with the shared input rules and checked against the
 * other files and the store: every problem goes to {@link ImportErrors}, and only rows without one
 * are kept. Sites are read first, so staff and children can name a site from the same import.
 */
final class ImportPlan {

    private final CareStore store;
    private final ImportErrors errors;
    private final Map<String, Site> sites = new LinkedHashMap<>();
    /** Codes sites.csv names, even on rows with other problems, so their children are not reported twice. */
    private final Map<String, Integer> codesInFile = new HashMap<>();
    private final Map<String, Boolean> codesInStore = new HashMap<>();
    private final List<StaffMember> staff = new ArrayList<>();
    private final List<CareStore.NewChild> children = new ArrayList<>();
    private String sitesFile = "sites.csv";
    /** The sites file could not be read: which codes it holds is unknown, so unknown codes are not reported. */
    private boolean sitesUnread;

    ImportPlan(CareStore store, ImportErrors errors) {
        this.store = store;
        this.errors = errors;
    }

    // --- sites.csv: code,name,county,opens,closes

    void readSites(String file, Optional<List<CsvFile.Row>> read) {
        sitesFile = file;
        sitesUnread = read.isEmpty();
        for (CsvFile.Row row : read.orElse(List.of())) {
            if (row.reported()) {
                knownCode(row.get("code")).ifPresent(code -> codesInFile.putIfAbsent(code, row.line()));
                continue;
            }
            String code = check(file, row, () -> SiteInput.code(row.get("code")), field -> "code");
            if (code == null) {
                continue;
            }
            Integer first = codesInFile.putIfAbsent(code, row.line());
            if (first != null) {
                errors.add(file, row.line(), "code " + code + " is already on line " + first);
                continue;
            }
            SiteInput site = check(file, row, () -> SiteInput.parse(row.get("code"), row.get("name"),
                    row.get("county"), row.get("opens"), row.get("closes")), field -> field);
            if (site != null) {
                sites.put(code, site.toSite());
            }
        }
    }

    // --- staff.csv: site_code,phone,name,role

    void readStaff(String file, Optional<List<CsvFile.Row>> read) {
        Map<Phone, Integer> phones = new HashMap<>();
        for (CsvFile.Row row : read.orElse(List.of())) {
            if (row.reported()) {
                continue;
            }
            String code = siteCode(file, row);
            StaffInput input = check(file, row, () -> StaffInput.parse(row.get("phone"), row.get("name"),
                    row.get("role")), field -> field);
            if (code == null || input == null) {
                continue;
            }
            Integer first = phones.putIfAbsent(input.phone(), row.line());
            if (first != null) {
                errors.add(file, row.line(), "phone \"" + row.get("phone") + "\" is already on line " + first
                        + "; a phone can be staff at one site only");
                continue;
            }
            Optional<StaffMember> post = store.identify(Address.of(input.phone())).staff();
            if (post.isPresent() && !post.get().siteCode().equals(code)) {
                errors.add(file, row.line(), "phone \"" + row.get("phone") + "\" is already staff at site "
                        + post.get().siteCode() + "; a phone can be staff at one site only");
                continue;
            }
            staff.add(input.toMember(code));
        }
    }

    // --- children.csv: site_code,child_name,guardian1_phone,guardian1_relation,guardian2_phone,guardian2_relation
    //     (and, optional, guardian1_voice_first,guardian2_voice_first: yes/no, 1/0, true/false; empty is no)

    void readChildren(String file, Optional<List<CsvFile.Row>> read) {
        Map<String, Integer> namesInFile = new HashMap<>();
        for (CsvFile.Row row : read.orElse(List.of())) {
            if (row.reported()) {
                continue;
            }
            String code = siteCode(file, row);
            String name = check(file, row, () -> ChildInput.name(row.get("child_name")), field -> "child_name");
            List<GuardianInput> guardians = new ArrayList<>();
            boolean guardian1 = guardian(file, row, 1, true, guardians);
            boolean guardian2 = guardian(file, row, 2, false, guardians);
            boolean guardiansOk = guardian1 && guardian2;
            if (code == null || name == null || !guardiansOk) {
                continue;
            }
            ChildInput child = check(file, row, () -> ChildInput.parse(name, guardians), field -> field);
            if (child == null) {
                continue;
            }
            Integer first = namesInFile.putIfAbsent(code + "\n" + child.name(), row.line());
            if (first != null) {
                errors.add(file, row.line(), "child_name \"" + child.name() + "\" at site " + code
                        + " is already on line " + first + "; two children of one name at a site cannot be told apart by SMS");
                continue;
            }
            Optional<Child> same = child.sameNameIn(store.roster(code));
            if (same.isPresent()) {
                errors.add(file, row.line(), "child_name \"" + child.name() + "\" is already number "
                        + same.get().rosterNo() + " on the roster of " + code);
                continue;
            }
            children.add(new CareStore.NewChild(code, child.name(), child.toGuardians()));
        }
    }

    /** What a {@code guardianN_voice_first} cell may say: whether the guardian is called (voice). */
    private static final Map<String, Boolean> VOICE_FIRST = Map.of("", false, "no", false, "0", false, "false", false,
            "否", false, "yes", true, "1", true, "true", true, "是", true);

    /** Reads guardian {@code n}'s columns into {@code into}; false when they hold a problem. */
    private boolean guardian(String file, CsvFile.Row row, int n, boolean required, List<GuardianInput> into) {
        String prefix = "guardian" + n + "_";
        String phone = row.get(prefix + "phone");
        String relation = row.get(prefix + "relation");
        String voice = row.get(prefix + "voice_first").strip().toLowerCase(java.util.Locale.ROOT);
        if (!required && phone.isBlank() && relation.isBlank()) {
            return true;
        }
        Boolean voiceFirst = VOICE_FIRST.get(voice);
        if (voiceFirst == null) {
            errors.add(file, row.line(), prefix + "voice_first \"" + voice + "\" must be yes or no (or empty)");
            return false;
        }
        GuardianInput guardian = check(file, row, () -> GuardianInput.parse(phone, relation, voiceFirst),
                field -> prefix + field);
        if (guardian != null) {
            into.add(guardian);
        }
        return guardian != null;
    }

    /** The row's {@code site_code}, upper-cased, when it names a site of this import or of the store. */
    private String siteCode(String file, CsvFile.Row row) {
        String code = check(file, row, () -> SiteInput.code(row.get("site_code")), field -> "site_code");
        if (code == null || codesInFile.containsKey(code)
                || codesInStore.computeIfAbsent(code, c -> store.site(c).isPresent())) {
            return code;
        }
        if (sitesUnread) {
            return null;
        }
        errors.add(file, row.line(), "site_code \"" + row.get("site_code") + "\" is neither in " + sitesFile
                + " nor a site set up already");
        return null;
    }

    /** The site code in a row already reported, if it is one: it still tells which sites the file meant. */
    private static Optional<String> knownCode(String typed) {
        try {
            return Optional.of(SiteInput.code(typed));
        } catch (InvalidInput e) {
            return Optional.empty();
        }
    }

    /** The value {@code parse} reads, or null after reporting its problem under the column {@code column} names. */
    private <T> T check(String file, CsvFile.Row row, Supplier<T> parse, UnaryOperator<String> column) {
        try {
            return parse.get();
        } catch (InvalidInput e) {
            errors.add(file, row.line(), e, column.apply(e.field()));
            return null;
        }
    }

    List<Site> sites() {
        return List.copyOf(sites.values());
    }

    List<StaffMember> staff() {
        return List.copyOf(staff);
    }

    List<CareStore.NewChild> children() {
        return List.copyOf(children);
    }
}
