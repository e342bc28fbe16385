package org.shouhu.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./shouhu demo}: the day plays to its end, and 赵小丽的奶奶's SMS go through Aliyun — her texts come in as SmsUp
 * pushes and are acted on, what she is sent is Aliyun's SendSms as her phone shows it (📩 …（阿里云）), each reported
 * delivered by SmsReport — while every other phone stays on Twilio.
 */
class DemoTest {

    private static final String GRANDMA = "赵小丽的奶奶   "; // as printed: the name padded to 8 columns, then a space
    private static List<String> lines;

    @BeforeAll
    static void playTheDay() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(0, Demo.run(out));
        }
        lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void herRegistrationComesThroughAliyunAndIsAnsweredThroughAliyun() {
        assertFollows("── 08:01  赵小丽的奶奶 (139****0005) texts DJ 赵小丽 ZT0427 through Aliyun (SmsUp push)",
                "   📩 " + GRANDMA + "【守护托管】已收到赵小丽的登记（永丰小学托管点），编号1。工作人员批准后会短信通知你。（阿里云）");
        assertTrue(lines.contains("   📩 " + GRANDMA
                        + "【守护托管】赵小丽已在永丰小学托管点登记好。每天到达和接走会短信告诉你。回1收到 回2请假 回3护送回家 回4查询 回0帮助 回TD退订（阿里云）"),
                "the welcome after 批 1 goes by Aliyun");
    }

    @Test
    void herReplyToTheOverdueAlertComesAsAnSmsUpPushAndIsActedOn() {
        assertFollows("── 17:45  ⏱ overdue check: 15 minutes after closing, 赵小丽 is still there",
                "   📩 " + GRANDMA + "【守护托管】赵小丽还在永丰小学托管点，已过17:30。回1马上来接 回3请护送（阿里云）");
        assertFollows("── 17:50  赵小丽的奶奶 (139****0005) replies 1 through Aliyun (SmsUp push)",
                "   📩 " + GRANDMA + "【守护托管】收到，已告诉托管点赵小丽在路上。（阿里云）"); // the ladder took her 1
    }

    @Test
    void everythingSheIsSentGoesByAliyunAndIsReportedDelivered() {
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("   📱 赵小丽的奶奶")), "nothing to her through Twilio");
        assertEquals(11, lines.stream().filter(l -> l.startsWith("   📩 " + GRANDMA)).count());
        assertFollows("── and to 赵小丽的奶奶, through Aliyun (delivery from its SmsReport pushes):",
                "   11 messages, statuses: {delivered=11}");
    }

    @Test
    void everyoneElseStaysOnTwilio() {
        assertTrue(lines.stream().filter(l -> l.startsWith("   📩 ")).allMatch(l -> l.startsWith("   📩 " + GRANDMA)),
                "only she is sent through Aliyun");
        assertTrue(lines.contains("   📱 王小明的奶奶   【守护托管】王小明 08:05 已到永丰小学托管点。回4查询 回0帮助"));
        assertTrue(lines.contains("── 08:50  陈小芳的妈妈 (139****0004) texts: 2"), "a Twilio webhook, as before");
        assertFalse(lines.stream().anyMatch(l -> l.contains("gateway answered HTTP")), "every webhook and push was taken");
        assertEquals("   10 messages, statuses: {delivered=10}",
                lines.get(lines.indexOf("── what the admin API says was sent to 王小明的奶奶 (GET /api/messages?to=…):") + 1));
    }

    @Test
    void theDayStillEnds() {
        assertTrue(lines.contains("   📱 张队长      【守护托管】今天5人：在0 已走4 请假1 未到0"), "名单 at 18:05");
        assertTrue(lines.contains("   📞 张小刚的爷爷 hears: 收到，已经告诉托管点。谢谢您。再见。"), "the voice call is still there");
    }

    private static void assertFollows(String line, String next) {
        int at = lines.indexOf(line);
        assertTrue(at >= 0, "no line: " + line);
        assertEquals(next, lines.get(at + 1));
    }
}
