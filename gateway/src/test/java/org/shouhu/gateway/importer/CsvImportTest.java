package org.shouhu.gateway.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.store.redis.RedisCareStore;
import org.shouhu.gateway.testing.TestRedis;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;

/** The CSV import over a real Redis: all rows or none, and every problem with its file and line. */
class CsvImportTest {

    private static final String SITES_HEADER = "code,name,county,opens,closes\n";
    private static final String STAFF_HEADER = "site_code,phone,name,role\n";
    private static final String CHILDREN_HEADER =
            "site_code,child_name,guardian1_phone,guardian1_relation,guardian2_phone,guardian2_relation\n";
    private static final String ONE_SITE = SITES_HEADER + "ZT0427,王家村托管点,青山县,08:30,17:00\n";
    private static final String ONE_CHILD = CHILDREN_HEADER + "ZT0427,王小明,13900000001,奶奶,,\n";

    @TempDir
    Path dir;

    private RedisCareStore store;

    @BeforeEach
    void emptyRedis() {
        store = new RedisCareStore(TestRedis.fresh());
        assertEquals(0, TestRedis.client().dbSize());
    }

    @Test
    void importsThreeSitesTheirStaffAndTenChildren() throws Exception {
        ImportResult result = new CsvImport(store).importFiles(fixture("valid/sites.csv"),
                fixture("valid/children.csv"), fixture("valid/staff.csv"));

        assertEquals(new ImportResult(3, 4, 10), result);
        assertEquals("imported 3 sites, 4 staff and 10 children", result.summary());
        assertEquals(List.of("ZT0427", "ZT0501", "ZT0602"), store.sites().stream().map(Site::code).toList());
        assertEquals(new Site("ZT0501", "李庄托管点", "青山县", LocalTime.of(8, 0), LocalTime.of(16, 30)),
                store.site("ZT0501").orElseThrow());
        assertEquals(List.of(
                        new StaffMember(new Phone("+8613800000001"), "ZT0427", "张队长", StaffRole.CAPTAIN),
                        new StaffMember(new Phone("+8613800000002"), "ZT0427", "刘老师", StaffRole.VOLUNTEER)),
                store.staffOf("ZT0427"));
        assertEquals(StaffRole.CAPTAIN, store.staffOf("ZT0501").get(0).role());
        assertEquals(List.of("1王小明", "2王小红", "3李小军", "4赵小花"), labels("ZT0427"));
        assertEquals(List.of("1孙小龙", "2周小雨", "3吴小燕"), labels("ZT0501"));
        assertEquals(List.of("1郑小宝", "2冯小玲", "3陈小东"), labels("ZT0602"));

        Child xiaoming = store.roster("ZT0427").get(0);
        assertEquals(List.of(new Guardian(new Address("+8613900000001"), "奶奶"),
                        new Guardian(new Address("+8613900000002"), "爷爷")),
                store.guardiansOf(xiaoming.id()));
        assertEquals(List.of(new Guardian(new Address("+8613900000004"), Guardian.DEFAULT_RELATION)),
                store.guardiansOf(store.roster("ZT0427").get(2).id()));
        assertEquals(List.of(xiaoming), store.identify(new Address("+8613900000002")).children());
        assertEquals("ZT0602", store.identify(new Address("+8613800000004")).staff().orElseThrow().siteCode());
    }

    @Test
    void twoBadRowsAreBothReportedAndNothingIsWritten() throws Exception {
        ImportRejected rejected = assertThrows(ImportRejected.class, () -> new CsvImport(store)
                .importFiles(fixture("bad-rows/sites.csv"), fixture("bad-rows/children.csv"), null));

        assertEquals(List.of(
                "children.csv line 3: guardian1_phone \"1391234\" is not a phone number",
                "children.csv line 5: site_code \"ZT0999\" is neither in sites.csv nor a site set up already"),
                rejected.errors());
        assertEquals(0, TestRedis.client().dbSize());
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreFine() throws Exception {
        ImportResult result = new CsvImport(store).importFiles(fixture("bom/sites.csv"),
                fixture("bom/children.csv"), null);

        assertEquals(new ImportResult(1, 0, 2), result);
        assertEquals("王家村托管点", store.site("ZT0427").orElseThrow().name());
        assertEquals(List.of("1王小明", "2李小军"), labels("ZT0427"));
        assertEquals(2, store.guardiansOf(store.roster("ZT0427").get(1).id()).size());
    }

    @Test
    void aMissingHeaderColumnIsNamed() throws Exception {
        ImportRejected rejected = assertThrows(ImportRejected.class, () -> new CsvImport(store)
                .importFiles(fixture("missing-column/sites.csv"), fixture("missing-column/children.csv"), null));

        assertEquals(List.of("children.csv line 1: missing column \"guardian1_phone\" (the columns are: "
                + "site_code,child_name,guardian1_phone,guardian1_relation,guardian2_phone,guardian2_relation,"
                + "guardian1_voice_first,guardian2_voice_first)"),
                rejected.errors());
        assertEquals(0, TestRedis.client().dbSize());
    }

    // --- more bad files, as data

    static Stream<Arguments> badFiles() {
        return Stream.of(
                files("a site code twice",
                        SITES_HEADER + "ZT0427,王家村,青山县,08:30,17:00\nzt0427,李庄,青山县,08:30,17:00\n", ONE_CHILD, null,
                        "sites.csv line 3: code ZT0427 is already on line 2"),
                files("line numbers count blank lines and values over two lines",
                        SITES_HEADER + "ZT0427,\"王家村\n托管点\",青山县,08:30,17:00\n\nZT0501,李庄,青山县,8点,17:00\n",
                        ONE_CHILD, null,
                        "sites.csv line 5: opens \"8点\" is not a time like 08:30"),
                files("a bad site row and its children: only the site is reported",
                        SITES_HEADER + "ZT0427,王家村,青山县,17:00,08:30\n", ONE_CHILD, null,
                        "sites.csv line 2: closes 08:30 must be later than opens 17:00"),
                files("every problem of a row",
                        ONE_SITE, CHILDREN_HEADER + "ZT9,王小明2,139,奶奶,13900000002,外公外婆奶奶\n", null,
                        "children.csv line 2: site_code \"ZT9\" is neither in sites.csv nor a site set up already",
                        "children.csv line 2: child_name \"王小明2\" must not contain digits",
                        "children.csv line 2: guardian1_phone \"139\" is not a phone number",
                        "children.csv line 2: guardian2_relation \"外公外婆奶奶\" is longer than 4 characters"),
                files("a guardian relation without a phone",
                        ONE_SITE, CHILDREN_HEADER + "ZT0427,王小明,13900000001,奶奶,,外公\n", null,
                        "children.csv line 2: guardian2_phone is missing"),
                files("the same child twice",
                        ONE_SITE, ONE_CHILD + "ZT0427,王小明,13900000002,爷爷,,\n", null,
                        "children.csv line 3: child_name \"王小明\" at site ZT0427 is already on line 2; "
                                + "two children of one name at a site cannot be told apart by SMS"),
                files("a staff phone twice",
                        ONE_SITE, ONE_CHILD, STAFF_HEADER + "ZT0427,13800000001,张队长,captain\n"
                                + "ZT0427,+86 138 0000 0001,张老师,volunteer\n",
                        "staff.csv line 3: phone \"+86 138 0000 0001\" is already on line 2; "
                                + "a phone can be staff at one site only"),
                files("a staff role that is not one",
                        ONE_SITE, ONE_CHILD, STAFF_HEADER + "ZT0427,13800000001,张队长,leader\n",
                        "staff.csv line 2: role \"leader\" is not a role: use captain or volunteer"),
                files("a comma inside an unquoted value",
                        SITES_HEADER + "ZT0427,王家村,托管点,青山县,08:30,17:00\n", ONE_CHILD, null,
                        "sites.csv line 2: has 6 values but the header names 5 columns "
                                + "(put a value that contains a comma in \"quotes\")"),
                files("an unknown column",
                        "code,name,county,opens,closes,备注\nZT0427,王家村,青山县,08:30,17:00,\n", ONE_CHILD, null,
                        "sites.csv line 1: unknown column \"备注\" (the columns are: code,name,county,opens,closes)"),
                files("an empty sites file, and so no complaint about the sites children name",
                        "", ONE_CHILD, null,
                        "sites.csv: is empty; its first line must name the columns: code,name,county,opens,closes"),
                files("a quote left open",
                        ONE_SITE, ONE_CHILD + "\nZT0427,\"李小军,13900000002,奶奶,,\nZT0427,赵小花,13900000003,,,\n", null,
                        "children.csv line 4: a value in \"quotes\" is not closed properly "
                                + "(a quote inside a value is written twice: \"\")"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsEveryProblemAndWritesNothing(String what, String sites, String children, String staff,
                                             List<String> expected) throws IOException {
        Path sitesFile = write("sites.csv", sites, StandardCharsets.UTF_8);
        Path childrenFile = write("children.csv", children, StandardCharsets.UTF_8);
        Path staffFile = staff == null ? null : write("staff.csv", staff, StandardCharsets.UTF_8);

        ImportRejected rejected = assertThrows(ImportRejected.class,
                () -> new CsvImport(store).importFiles(sitesFile, childrenFile, staffFile));

        assertEquals(expected.size(), rejected.errors().size(), () -> String.join("\n", rejected.errors()));
        for (int i = 0; i < expected.size(); i++) {
            String error = rejected.errors().get(i);
            assertTrue(error.startsWith(expected.get(i)), () -> "error was: " + error);
        }
        assertEquals(0, TestRedis.client().dbSize());
    }

    @Test
    void aGuardianWhoCannotReadIsMarkedVoiceFirstInItsOwnColumn() throws Exception {
        String children = "site_code,child_name,guardian1_phone,guardian1_relation,guardian2_phone,guardian2_relation,"
                + "guardian1_voice_first,guardian2_voice_first\n"
                + "ZT0427,王小明,13900000001,奶奶,13900000002,爸爸,是,\n";
        ImportRejected rejected = assertThrows(ImportRejected.class, () -> new CsvImport(store).importFiles(
                write("sites.csv", ONE_SITE, StandardCharsets.UTF_8),
                write("children.csv", children.replace(",是,", ",maybe,"), StandardCharsets.UTF_8), null));
        assertEquals(List.of("children.csv line 2: guardian1_voice_first \"maybe\" must be yes or no (or empty)"),
                rejected.errors());

        new CsvImport(store).importFiles(write("sites.csv", ONE_SITE, StandardCharsets.UTF_8),
                write("children.csv", children, StandardCharsets.UTF_8), null);
        assertEquals(List.of(new org.shouhu.routes.care.Guardian(new org.shouhu.routes.model.Address("+8613900000001"), "奶奶", true),
                        new org.shouhu.routes.care.Guardian(new org.shouhu.routes.model.Address("+8613900000002"), "爸爸", false)),
                store.guardiansOf(store.roster("ZT0427").get(0).id()));
    }

    @Test
    void aFileSavedInGbkIsRefusedWithHowToSaveIt() throws IOException {
        Path sites = write("sites.csv", ONE_SITE, Charset.forName("GBK"));
        ImportRejected rejected = assertThrows(ImportRejected.class, () -> new CsvImport(store)
                .importFiles(sites, write("children.csv", ONE_CHILD, StandardCharsets.UTF_8), null));
        assertEquals("sites.csv: is not UTF-8 text; save it as \"CSV UTF-8\" (Excel, WPS) and import it again",
                rejected.errors().get(0));
    }

    // --- against what the store holds already

    @Test
    void childrenMayJoinASiteSetUpBefore() throws Exception {
        store.putSite(new Site("ZT0427", "王家村", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0)));
        store.addChild("ZT0427", "李小军", List.of(new Guardian(new Address("+8613900000009"), "奶奶")));

        ImportResult result = new CsvImport(store).importFiles(write("sites.csv", SITES_HEADER, StandardCharsets.UTF_8),
                write("children.csv", ONE_CHILD, StandardCharsets.UTF_8), null);

        assertEquals(new ImportResult(0, 0, 1), result);
        assertEquals(List.of("1李小军", "2王小明"), labels("ZT0427"));
    }

    @Test
    void refusesStaffOfAnotherSiteAndAChildAlreadyOnTheRoster() throws Exception {
        store.putSite(new Site("ZT0501", "李庄", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0)));
        store.putStaff(new StaffMember(new Phone("+8613800000001"), "ZT0501", "陈队长", StaffRole.CAPTAIN));
        store.putSite(new Site("ZT0427", "王家村", "青山县", LocalTime.of(8, 30), LocalTime.of(17, 0)));
        store.addChild("ZT0427", "王小明", List.of(new Guardian(new Address("+8613900000001"), "奶奶")));

        ImportRejected rejected = assertThrows(ImportRejected.class, () -> new CsvImport(store).importFiles(
                write("sites.csv", ONE_SITE, StandardCharsets.UTF_8),
                write("children.csv", ONE_CHILD, StandardCharsets.UTF_8),
                write("staff.csv", STAFF_HEADER + "ZT0427,13800000001,陈队长,captain\n", StandardCharsets.UTF_8)));

        assertEquals(List.of(
                "staff.csv line 2: phone \"13800000001\" is already staff at site ZT0501; "
                        + "a phone can be staff at one site only",
                "children.csv line 2: child_name \"王小明\" is already number 1 on the roster of ZT0427"),
                rejected.errors());
        assertEquals("王家村", store.site("ZT0427").orElseThrow().name());
    }

    // --- the command line

    @Test
    void commandLinePrintsTheSummaryAndExitsZero() throws Exception {
        Output out = new Output();
        Output err = new Output();
        int code = CsvImport.run(new String[] {"import", "--sites", fixture("valid/sites.csv").toString(),
                "--children=" + fixture("valid/children.csv"), "--staff", fixture("valid/staff.csv").toString()},
                store, out.stream, err.stream);

        assertEquals(0, code, err.text());
        assertEquals("imported 3 sites, 4 staff and 10 children\n", out.text());
        assertEquals(10, labels("ZT0427").size() + labels("ZT0501").size() + labels("ZT0602").size());
    }

    @Test
    void commandLinePrintsEachProblemAndExitsOne() throws Exception {
        Output out = new Output();
        Output err = new Output();
        int code = CsvImport.run(new String[] {"--sites", fixture("bad-rows/sites.csv").toString(),
                "--children", fixture("bad-rows/children.csv").toString()}, store, out.stream, err.stream);

        assertEquals(1, code);
        assertEquals("", out.text());
        assertEquals("""
                children.csv line 3: guardian1_phone "1391234" is not a phone number
                children.csv line 5: site_code "ZT0999" is neither in sites.csv nor a site set up already
                nothing was imported: 2 problems to fix first
                """, err.text());
        assertEquals(0, TestRedis.client().dbSize());
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--sites", "sites.csv"), "both --sites and --children are needed"),
                Arguments.of(List.of("--sites", "sites.csv", "--children"), "--children needs a file name"),
                Arguments.of(List.of("--sites", "a.csv", "--sites", "b.csv", "--children", "c.csv"),
                        "--sites is given twice"),
                Arguments.of(List.of("--sites", "a.csv", "--children", "c.csv", "--dry-run"), "unknown option --dry-run"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badCommandLines")
    void commandLineUsageErrorsExitTwo(List<String> args, String reason) {
        Output out = new Output();
        Output err = new Output();
        int code = CsvImport.run(args.toArray(String[]::new), store, out.stream, err.stream);

        assertEquals(2, code);
        assertEquals(reason + "\n" + ImportArgs.USAGE + "\n", err.text());
    }

    @Test
    void commandLineFileThatIsNotThereExitsTwo() throws Exception {
        Output out = new Output();
        Output err = new Output();
        Path missing = dir.resolve("no-such-sites.csv");
        int code = CsvImport.run(new String[] {"--sites", missing.toString(),
                "--children", fixture("valid/children.csv").toString()}, store, out.stream, err.stream);

        assertEquals(2, code);
        assertEquals("cannot read " + missing + ": no such file\n", err.text());
    }

    // --- helpers

    private List<String> labels(String siteCode) {
        return store.roster(siteCode).stream().map(Child::label).toList();
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(CsvImportTest.class.getResource(name).toURI());
    }

    private Path write(String name, String text, Charset charset) throws IOException {
        return Files.write(dir.resolve(name), text.getBytes(charset));
    }

    private static Arguments files(String what, String sites, String children, String staff, String... errors) {
        return Arguments.of(what, sites, children, staff, List.of(errors));
    }

    /** A print stream to read back. */
    private static final class Output {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
        }
    }
}
