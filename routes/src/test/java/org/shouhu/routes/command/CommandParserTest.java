package org.shouhu.routes.command;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.routes.command.Command.Acknowledge;
import org.shouhu.routes.command.Command.Approve;
import org.shouhu.routes.command.Command.Broadcast;
import org.shouhu.routes.command.Command.CheckIn;
import org.shouhu.routes.command.Command.CheckOut;
import org.shouhu.routes.command.Command.Help;
import org.shouhu.routes.command.Command.ListMissing;
import org.shouhu.routes.command.Command.ListRoster;
import org.shouhu.routes.command.Command.Malformed;
import org.shouhu.routes.command.Command.OptIn;
import org.shouhu.routes.command.Command.OptOut;
import org.shouhu.routes.command.Command.QueryStatus;
import org.shouhu.routes.command.Command.Register;
import org.shouhu.routes.command.Command.ReportAbsent;
import org.shouhu.routes.command.Command.RequestEscort;
import org.shouhu.routes.command.Command.Unknown;

class CommandParserTest {

    private static final String LONG_LATIN = "x".repeat(2000);
    private static final String LONG_CHINESE = "好".repeat(2000);
    private static final String EMOJI = "\uD83D\uDE00";

    private final CommandParser parser = new CommandParser();

    @ParameterizedTest(name = "[{index}] \"{0}\" → {1}")
    @MethodSource("messages")
    void readsMessage(String body, Command expected) {
        assertEquals(expected, parser.parse(body));
    }

    static Stream<Arguments> messages() {
        return Stream.of(
                acknowledge(),
                reportAbsent(),
                requestEscort(),
                queryStatusAndHelp(),
                register(),
                optOutAndIn(),
                checkIn(),
                checkOut(),
                staffLists(),
                approve(),
                broadcast(),
                lessonsAndChat(),
                unknown())
                .flatMap(s -> s);
    }

    private static Stream<Arguments> acknowledge() {
        return Stream.of(
                row("1", new Acknowledge()),
                row("1。", new Acknowledge()),
                row("  1  ", new Acknowledge()),
                row("１", new Acknowledge()),
                row("收到", new Acknowledge()),
                row("收到！", new Acknowledge()),
                row("「收到」", new Acknowledge()),
                row("sd", new Acknowledge()),
                row("Sd", new Acknowledge()),
                row("好", new Acknowledge()),
                row("好！", new Acknowledge()),
                row("好的～", new Acknowledge()),
                row("ok", new Acknowledge()),
                row("OK!", new Acknowledge()),
                row("ＯＫ", new Acknowledge()),
                row("1\u200B", new Acknowledge()),
                row("好久不见", new Unknown("好久不见")),
                row("1 2", new Unknown("1 2")));
    }

    private static Stream<Arguments> reportAbsent() {
        return Stream.of(
                row("2", new ReportAbsent(null)),
                row("2。", new ReportAbsent(null)),
                row("2 小明", new ReportAbsent("小明")),
                row("2小明", new ReportAbsent("小明")),
                row("２　小明", new ReportAbsent("小明")),
                row("请假", new ReportAbsent(null)),
                row("请假 小明", new ReportAbsent("小明")),
                row("请假小明", new ReportAbsent("小明")),
                row("请假：小明。", new ReportAbsent("小明")),
                row("請假 小明", new ReportAbsent("小明")),
                row("qj 小明", new ReportAbsent("小明")),
                row("Qj", new ReportAbsent(null)),
                row("2 Tom", new ReportAbsent("Tom")),
                row("23", new Unknown("23")),
                row("2 3", new Malformed(Verb.REPORT_ABSENT)),
                row("请假 " + "明".repeat(21), new Malformed(Verb.REPORT_ABSENT)));
    }

    private static Stream<Arguments> requestEscort() {
        return Stream.of(
                row("3", new RequestEscort(null)),
                row("3 小红", new RequestEscort("小红")),
                row("护送小红", new RequestEscort("小红")),
                row("護送 小紅", new RequestEscort("小紅")),
                row("hs 小红", new RequestEscort("小红")),
                row("HSK", new Unknown("HSK")),
                row("35", new Unknown("35")));
    }

    private static Stream<Arguments> queryStatusAndHelp() {
        return Stream.of(
                row("4", new QueryStatus()),
                row("查询", new QueryStatus()),
                row("查詢", new QueryStatus()),
                row("cx？", new QueryStatus()),
                row("4 小明", new Unknown("4 小明")),
                row("0", new Help()),
                row("帮助", new Help()),
                row("幫助", new Help()),
                row("bz", new Help()),
                row("Help!", new Help()),
                row("?", new Help()),
                row("？", new Help()),
                row("??", new Help()),
                row(" ？ ？ ", new Help()),
                row("!!!", new Unknown("")));
    }

    private static Stream<Arguments> register() {
        Register wangXiaoming = new Register("王小明", "ZT0427");
        return Stream.of(
                row("DJ 王小明 ZT0427", wangXiaoming),
                row("登记王小明ZT0427", wangXiaoming),
                row("dj 王小明 zt0427", wangXiaoming),
                row("DJ　王小明　ZT0427", wangXiaoming),
                row("ＤＪ　王小明　ＺＴ０４２７", wangXiaoming),
                row("登記 王小明 ZT0427", wangXiaoming),
                row("  DJ  王小明，ZT0427。 ", wangXiaoming),
                row("Dj 阿依古丽·买买提 ZT0427", new Register("阿依古丽·买买提", "ZT0427")),
                row("DJ Tom Li zt01", new Register("Tom Li", "ZT01")),
                row("DJ 王小明", new Malformed(Verb.REGISTER)),
                row("DJ ZT0427", new Malformed(Verb.REGISTER)),
                row("DJ", new Malformed(Verb.REGISTER)),
                row("DJ 王小明2 ZT0427", new Malformed(Verb.REGISTER)),
                row("DJ 王小明 Z", new Malformed(Verb.REGISTER)),
                row("DJ 王小明 ABCDEFGHIJ1234567", new Malformed(Verb.REGISTER)),
                row("DJX 王小明", new Unknown("DJX 王小明")));
    }

    private static Stream<Arguments> optOutAndIn() {
        return Stream.of(
                row("TD", new OptOut()),
                row("td", new OptOut()),
                row("T", new OptOut()),
                row("t", new OptOut()),
                row("N", new OptOut()),
                row("R", new OptOut()),
                row("退订", new OptOut()),
                row("退訂", new OptOut()),
                row("STOP", new OptOut()),
                row("Stop.", new OptOut()),
                row("ＳＴＯＰ", new OptOut()),
                row("stopall", new OptOut()),
                row("UNSUBSCRIBE", new OptOut()),
                row("cancel", new OptOut()),
                row("END", new OptOut()),
                row("quit", new OptOut()),
                row("NO", new Unknown("NO")),
                row("T 3", new Unknown("T 3")),
                row("TD 小明", new Unknown("TD 小明")),
                row("KS", new OptIn()),
                row("开始", new OptIn()),
                row("開始", new OptIn()),
                row("start", new OptIn()),
                row("Start!", new OptIn()));
    }

    private static Stream<Arguments> checkIn() {
        return Stream.of(
                row("到 3 5 7", new CheckIn(List.of(3, 5, 7))),
                row("到3,5,7", new CheckIn(List.of(3, 5, 7))),
                row("到 3，5，7", new CheckIn(List.of(3, 5, 7))),
                row("到 3、5、7", new CheckIn(List.of(3, 5, 7))),
                row("到 ３ ５", new CheckIn(List.of(3, 5))),
                row("DD 3 5", new CheckIn(List.of(3, 5))),
                row("dd3", new CheckIn(List.of(3))),
                row("签到 3", new CheckIn(List.of(3))),
                row("簽到 3", new CheckIn(List.of(3))),
                row("到 1-5", new CheckIn(List.of(1, 2, 3, 4, 5))),
                row("到 1～3, 7", new CheckIn(List.of(1, 2, 3, 7))),
                row("到 3 5 3", new CheckIn(List.of(3, 5))),
                row("到 1-3 2 4", new CheckIn(List.of(1, 2, 3, 4))),
                row("到 1-500", new CheckIn(IntStream.rangeClosed(1, 500).boxed().toList())),
                row("到", new Malformed(Verb.CHECK_IN)),
                row("到 0", new Malformed(Verb.CHECK_IN)),
                row("到 3 a", new Malformed(Verb.CHECK_IN)),
                row("到了", new Malformed(Verb.CHECK_IN)),
                row("到 5-1", new Malformed(Verb.CHECK_IN)),
                row("到 1-501", new Malformed(Verb.CHECK_IN)),
                row("到 1234567890", new Malformed(Verb.CHECK_IN)),
                row("缺 3", new Command.MarkAbsent(List.of(3))),
                row("缺勤 3 5", new Command.MarkAbsent(List.of(3, 5))),
                row("缺3", new Command.MarkAbsent(List.of(3))),
                row("缺", new Malformed(Verb.MARK_ABSENT)),
                row("缺 王小明", new Malformed(Verb.MARK_ABSENT)));
    }

    private static Stream<Arguments> checkOut() {
        return Stream.of(
                row("走 3", new CheckOut(List.of(3), null)),
                row("走 3 奶奶", new CheckOut(List.of(3), "奶奶")),
                row("走3奶奶", new CheckOut(List.of(3), "奶奶")),
                row("走 3 5 爷爷", new CheckOut(List.of(3, 5), "爷爷")),
                row("ZZ 4", new CheckOut(List.of(4), null)),
                row("zz 4，外婆。", new CheckOut(List.of(4), "外婆")),
                row("签退 1-3", new CheckOut(List.of(1, 2, 3), null)),
                row("簽退 2", new CheckOut(List.of(2), null)),
                row("接走 6 妈妈", new CheckOut(List.of(6), "妈妈")),
                row("走 3 隔壁张家的大姐姐和她的朋友", new CheckOut(List.of(3), "隔壁张家的大姐姐和她")),
                row("走", new Malformed(Verb.CHECK_OUT)),
                row("走 奶奶", new Malformed(Verb.CHECK_OUT)));
    }

    private static Stream<Arguments> staffLists() {
        return Stream.of(
                row("未到", new ListMissing()),
                row("wd", new ListMissing()),
                row("WD。", new ListMissing()),
                row("未到 3", new Unknown("未到 3")),
                row("名单", new ListRoster()),
                row("名單", new ListRoster()),
                row("md", new ListRoster()));
    }

    private static Stream<Arguments> approve() {
        return Stream.of(
                row("批 12", new Approve(12)),
                row("批12", new Approve(12)),
                row("PZ 12", new Approve(12)),
                row("pz12", new Approve(12)),
                row("批准 12", new Approve(12)),
                row("批 １２。", new Approve(12)),
                row("批", new Malformed(Verb.APPROVE)),
                row("批 abc", new Malformed(Verb.APPROVE)),
                row("批 0", new Malformed(Verb.APPROVE)),
                row("批 12 13", new Malformed(Verb.APPROVE)));
    }

    private static Stream<Arguments> broadcast() {
        return Stream.of(
                row("通知 明天下雨，请8点前送到", new Broadcast("明天下雨，请8点前送到")),
                row("ＴＺ　明天下雨，请８点前送到", new Broadcast("明天下雨，请8点前送到")),
                row("通知：明天下雨。", new Broadcast("明天下雨。")),
                row("【通知】明天放假", new Broadcast("明天放假")),
                row("TZ 明天8点  集合", new Broadcast("明天8点 集合")),
                row("tz Bring Water!", new Broadcast("Bring Water!")),
                row("TZ明天停课", new Broadcast("明天停课")),
                row("通知", new Malformed(Verb.BROADCAST)),
                row("通知。", new Malformed(Verb.BROADCAST)),
                row("TZ", new Malformed(Verb.BROADCAST)),
                row("TZX", new Unknown("TZX")),
                // staff asking how far the broadcast has got, never a broadcast of the word 进度 to every guardian
                row("进度", new Command.BroadcastProgress()),
                row("進度", new Command.BroadcastProgress()),
                row("tzjd", new Command.BroadcastProgress()),
                row("通知进度", new Command.BroadcastProgress()),
                row("通知 进度？", new Command.BroadcastProgress()),
                row("通知進度", new Command.BroadcastProgress()),
                row("TZ TZJD", new Command.BroadcastProgress()),
                row("通知 进度很好", new Broadcast("进度很好")),
                row("进度 3", new Unknown("进度 3")));
    }

    private static Stream<Arguments> lessonsAndChat() {
        return Stream.of(
                row("课 防溺水", new Command.RecordLesson("防溺水")),
                row("KE 交通安全", new Command.RecordLesson("交通安全")),
                row("课", new Malformed(Verb.RECORD_LESSON)),
                row("YQ", new Command.Invite(null)),
                row("yq 小明", new Command.Invite("小明")),
                row("邀请 3", new Command.Invite("3")),
                row("绑定 12345678", new Command.Bind("12345678", null)),
                row("绑定12345678", new Command.Bind("12345678", null)),
                row("/start 87654321", new Command.Bind("87654321", null)),
                row("BD 12345678 13912345678", new Command.Bind("12345678", "13912345678")),
                row("绑定 1234567", new Malformed(Verb.BIND)),
                row("绑定 123456789", new Malformed(Verb.BIND)),
                row("绑定 123456", new Command.Bind("123456", null)), // codes issued before codes grew to 8 digits
                row("绑定123456", new Command.Bind("123456", null)),
                row("BD 123456 13912345678", new Command.Bind("123456", "13912345678")),
                row("/start 654321", new Command.Bind("654321", null)),
                row("/start", new OptIn()),
                row("绑定 12345", new Malformed(Verb.BIND)),
                row("解绑", new Command.Unbind()),
                row("/stop", new OptOut()),
                row("/status", new QueryStatus()),
                row("status", new QueryStatus()),
                row("/absent", new ReportAbsent(null)),
                row("escort", new Command.RequestEscort(null)),
                row("/help", new Help()));
    }

    private static Stream<Arguments> unknown() {
        return Stream.of(
                row(null, new Unknown("")),
                row("", new Unknown("")),
                row("   ", new Unknown("")),
                row("\u0000\u0007", new Unknown("")),
                row("你好", new Unknown("你好")),
                row("hello", new Unknown("HELLO")),
                row("5", new Unknown("5")),
                row("12", new Unknown("12")),
                row(EMOJI, new Unknown(EMOJI)),
                row(EMOJI.repeat(150), new Unknown(EMOJI.repeat(100))),
                row("\uD800", new Unknown("\uFFFD")),
                row(LONG_LATIN, new Unknown("X".repeat(200))),
                row(LONG_CHINESE, new Unknown("好".repeat(200))));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" → \"{1}\"")
    @MethodSource("normalizations")
    void normalizes(String body, String expected) {
        assertEquals(expected, Normalizer.normalize(body));
    }

    static Stream<Arguments> normalizations() {
        return Stream.of(
                Arguments.of(null, ""),
                Arguments.of("", ""),
                Arguments.of("ＤＪ　王小明　ＺＴ０４２７", "DJ 王小明 ZT0427"),
                Arguments.of("  dj   王小明\t\nzt0427 ", "DJ 王小明 ZT0427"),
                Arguments.of("好！", "好"),
                Arguments.of("…「收到」。", "收到"),
                Arguments.of("（1）", "1"),
                Arguments.of("“OK”", "OK"),
                Arguments.of("？？", "?"),
                Arguments.of("? ?", "?"),
                Arguments.of("!!!", ""),
                Arguments.of("請假 小明", "请假 小明"),
                Arguments.of("DJ 請假 ZT01", "DJ 請假 ZT01"),
                Arguments.of("幫助", "帮助"),
                Arguments.of("通知 明天下雨，请8点前送到。", "通知 明天下雨,请8点前送到"),
                Arguments.of("阿依古丽·买买提", "阿依古丽·买买提"),
                Arguments.of("\u200B1\uFEFF", "1"),
                Arguments.of("a\u0000b", "A B"));
    }

    @Test
    void rosterNumbersCannotBeChangedAfterParsing() {
        CheckIn checkIn = assertInstanceOf(CheckIn.class, parser.parse("到 3 5"));
        assertThrows(UnsupportedOperationException.class, () -> checkIn.rosterNos().add(7));
    }

    @Test
    void neverThrowsOnRandomInput() {
        Random random = new Random(20260701);
        for (int i = 0; i < 5_000; i++) {
            String body = randomBody(random);
            Command command = assertDoesNotThrow(() -> parser.parse(body), () -> "body: " + escape(body));
            if (command instanceof Unknown unknown) {
                assertTrue(unknown.text().length() <= 200);
            }
        }
    }

    @Test
    void readsHugeBodiesWithoutExpandingThem() {
        assertEquals(new Malformed(Verb.CHECK_IN), parser.parse("到 " + "3 ".repeat(500_000)));
        assertEquals(new Malformed(Verb.CHECK_IN), parser.parse("到 1-999999999"));
        assertEquals(new Unknown("X".repeat(200)), parser.parse("x".repeat(1_000_000)));
    }

    /** Random UTF-16 including lone surrogates, controls, and the characters commands are made of. */
    private static String randomBody(Random random) {
        String pieces = "到走批通知TZDJ登记0123456789１２-~～,，、 　?？。!\n\t\u0000\u200B·";
        StringBuilder body = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            body.append(random.nextBoolean()
                    ? pieces.charAt(random.nextInt(pieces.length()))
                    : (char) random.nextInt(Character.MAX_VALUE + 1));
        }
        return body.toString();
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(String.format("\\u%04X", c)));
        return out.toString();
    }

    private static Arguments row(String body, Command expected) {
        return Arguments.of(body, expected);
    }
}
