package org.shouhu.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalTime;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Phone;

/** The input rules both doors (admin API, CSV import) use: what is accepted, and the reason given when not. */
class CoordinatorInputTest {

    private static final String PHONE = "13912345678";

    static Stream<Arguments> refused() {
        return Stream.of(
                row("site code too short", () -> site("Z", "王家村", "青山县", "08:30", "17:00"),
                        "code \"Z\" must be 2 to 16 letters or digits, like ZT0427"),
                row("site code with a dash", () -> site("ZT-04", "王家村", "青山县", "08:30", "17:00"),
                        "code \"ZT-04\" must be 2 to 16 letters or digits, like ZT0427"),
                row("site code in Chinese", () -> site("王家村", "王家村", "青山县", "08:30", "17:00"),
                        "code \"王家村\" must be 2 to 16 letters or digits, like ZT0427"),
                row("site code too long", () -> site("ABCDEFGHIJKLMNOPQ", "王家村", "青山县", "08:30", "17:00"),
                        "code \"ABCDEFGHIJKLMNOPQ\" must be 2 to 16 letters or digits, like ZT0427"),
                row("site name missing", () -> site("ZT01", "  ", "青山县", "08:30", "17:00"), "name is missing"),
                row("site name too long", () -> site("ZT01", "一二三四五六七八九十一二三四五六七", "青山县", "08:30", "17:00"),
                        "name \"一二三四五六七八九十一二三四五六七\" is longer than 16 characters"),
                row("county missing", () -> site("ZT01", "王家村", null, "08:30", "17:00"), "county is missing"),
                row("county too long", () -> site("ZT01", "王家村", "一二三四五六七八九十一二三四五六七八九十一", "08:30", "17:00"),
                        "county \"一二三四五六七八九十一二三四五六七八九十一\" is longer than 20 characters"),
                row("time with a dot", () -> site("ZT01", "王家村", "青山县", "8.30", "17:00"),
                        "opens \"8.30\" is not a time like 08:30"),
                row("hour 24", () -> site("ZT01", "王家村", "青山县", "08:30", "24:00"),
                        "closes \"24:00\" is not a time like 08:30"),
                row("opens after closes", () -> site("ZT01", "王家村", "青山县", "17:00", "08:30"),
                        "closes 08:30 must be later than opens 17:00"),
                row("opens at closing time", () -> site("ZT01", "王家村", "青山县", "12:00", "12:00"),
                        "closes 12:00 must be later than opens 12:00"),
                row("staff phone too short", () -> StaffInput.parse("1391234", "李老师", "captain"),
                        "phone \"1391234\" is not a phone number"),
                row("staff phone mangled by a spreadsheet", () -> StaffInput.parse("1.39123E+10", "李老师", "captain"),
                        "phone \"1.39123E+10\" is not a phone number (a spreadsheet shortened it: format the column as text)"),
                row("staff name missing", () -> StaffInput.parse(PHONE, "", "captain"), "name is missing"),
                row("staff role unknown", () -> StaffInput.parse(PHONE, "李老师", "boss"),
                        "role \"boss\" is not a role: use captain or volunteer"),
                row("staff role missing", () -> StaffInput.parse(PHONE, "李老师", null), "role is missing"),
                row("guardian phone missing", () -> GuardianInput.parse("", "奶奶"), "phone is missing"),
                row("relation too long", () -> GuardianInput.parse(PHONE, "外公外婆奶奶"),
                        "relation \"外公外婆奶奶\" is longer than 4 characters"),
                row("child name missing", () -> ChildInput.parse(null, List.of(grandma())), "name is missing"),
                row("child name with a digit", () -> ChildInput.parse("王小明2", List.of(grandma())),
                        "name \"王小明2\" must not contain digits"),
                row("child name with a full-width digit", () -> ChildInput.parse("王小明２", List.of(grandma())),
                        "name \"王小明2\" must not contain digits"),
                row("child name too long", () -> ChildInput.parse("一二三四五六七八九十一二三", List.of(grandma())),
                        "name \"一二三四五六七八九十一二三\" is longer than 12 characters"),
                row("child name of punctuation only", () -> ChildInput.parse("？！", List.of(grandma())),
                        "name \"?!\" is not a name"),
                row("child without guardians", () -> ChildInput.parse("王小明", List.of()),
                        "guardians is missing: give at least one guardian's phone"),
                row("child with five guardians", () -> ChildInput.parse("王小明", List.of(
                                guardian("13900000001"), guardian("13900000002"), guardian("13900000003"),
                                guardian("13900000004"), guardian("13900000005"))),
                        "guardians has 5 different phones; at most 4 are allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithAReasonNamingTheField(String what, Supplier<Object> parse, String reason) {
        InvalidInput e = assertThrows(InvalidInput.class, parse::get);
        assertEquals(reason, e.getMessage());
    }

    @Test
    void siteIsCleanedTheWayInboundSmsAre() {
        SiteInput site = site(" ｚｔ０４２７ ", " 王家村  托管点 ", "青山县", "8:30", "17：00");
        assertEquals("ZT0427", site.code());
        assertEquals("王家村 托管点", site.name());
        assertEquals(LocalTime.of(8, 30), site.opens());
        assertEquals(LocalTime.of(17, 0), site.closes());
    }

    @Test
    void staffRoleInEitherLanguageAndAnyCase() {
        assertEquals(StaffRole.CAPTAIN, StaffInput.parse(PHONE, "李老师", "Captain").role());
        assertEquals(StaffRole.CAPTAIN, StaffInput.parse(PHONE, "李老师", "队长").role());
        assertEquals(StaffRole.VOLUNTEER, StaffInput.parse(PHONE, "李老师", "VOLUNTEER").role());
        assertEquals(StaffRole.VOLUNTEER, StaffInput.parse(PHONE, "李老师", "志愿者").role());
    }

    @Test
    void phonesAreReadAsPeopleWriteThem() {
        Phone expected = new Phone("+8613912345678");
        assertEquals(expected, GuardianInput.parse("139 1234 5678", null).phone());
        assertEquals(expected, GuardianInput.parse("+86 139-1234-5678", null).phone());
        assertEquals(expected, GuardianInput.parse("１３９１２３４５６７８", null).phone());
    }

    @Test
    void relationDefaultsWhenNobodySaid() {
        assertEquals(Guardian.DEFAULT_RELATION, GuardianInput.parse(PHONE, " ").relation());
    }

    @Test
    void aPhoneGivenTwiceCountsOnceKeepingTheRelationThatWasNamed() {
        ChildInput child = ChildInput.parse("王小明", List.of(
                GuardianInput.parse("13900000001", ""), GuardianInput.parse("139 0000 0001", "奶奶"),
                guardian("13900000002"), guardian("13900000003"), guardian("13900000004"),
                GuardianInput.parse("+8613900000004", "外公")));
        assertEquals(4, child.guardians().size());
        assertEquals("奶奶", child.guardians().get(0).relation());
        assertEquals("爷爷", child.guardians().get(3).relation());
    }

    private static SiteInput site(String code, String name, String county, String opens, String closes) {
        return SiteInput.parse(code, name, county, opens, closes);
    }

    private static GuardianInput grandma() {
        return GuardianInput.parse(PHONE, "奶奶");
    }

    private static GuardianInput guardian(String phone) {
        return GuardianInput.parse(phone, "爷爷");
    }

    private static Arguments row(String what, Supplier<Object> parse, String reason) {
        return Arguments.of(what, parse, reason);
    }
}
