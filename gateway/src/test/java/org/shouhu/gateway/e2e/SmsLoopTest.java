package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;

/**
 * The SMS loop end to end against a real gateway node: admin API in, signed Twilio webhooks in,
 * Twilio's REST API (WireMock, behind the real SDK) out. Each test asserts the exact SMS phones get.
 */
class SmsLoopTest {

    static final String CAPTAIN = GatewayUnderTest.CAPTAIN;
    static final String VOLUNTEER = GatewayUnderTest.VOLUNTEER;
    static final String WANG_GRANDMA = GatewayUnderTest.WANG_GRANDMA;
    static final String WANG_FATHER = GatewayUnderTest.WANG_FATHER;
    static final String LI_GRANDMA = GatewayUnderTest.LI_GRANDMA;
    static final String ZHANG_GRANDPA = GatewayUnderTest.ZHANG_GRANDPA;
    static final String STRANGER = "+8613600000009";
    static final String SIG = "【守护托管】";

    GatewayUnderTest gw;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    @Test
    void registrationNeedsStaffApprovalBeforeTheGrandparentLearnsAnything() throws Exception {
        String zhaoGrandma = "+8613912340005";
        gw.text(zhaoGrandma, "DJ 赵小丽 ZT0427");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已收到赵小丽的登记（永丰小学托管点），编号1。工作人员批准后会短信通知你。"), to(sent, zhaoGrandma));
        String toStaff = SIG + "登记申请1：+8613912340005（家人）要登记赵小丽到永丰小学托管点。同意请回 批1";
        assertEquals(List.of(toStaff), to(sent, CAPTAIN));
        assertEquals(List.of(), to(sent, VOLUNTEER), "a volunteer who may not answer 批 is not asked to");

        gw.text(zhaoGrandma, "4");
        assertEquals(List.of(SIG + "你还没有登记的孩子。登记请发：DJ 孩子姓名 托管点代码，如 DJ 王小明 ZT0427。工作人员批准后会通知你。"),
                to(gw.sent(), zhaoGrandma));

        gw.text(CAPTAIN, "批 1");
        sent = gw.sent();
        assertEquals(List.of(SIG + "已批准登记1：赵小丽，名单4号。"), to(sent, CAPTAIN));
        assertEquals(List.of(SIG + "赵小丽已在永丰小学托管点登记好。每天到达和接走会短信告诉你。回1收到 回2请假 回3护送回家 回4查询 回0帮助 回TD退订"),
                to(sent, zhaoGrandma));

        gw.text(CAPTAIN, "批 1");
        assertEquals(List.of(SIG + "没有待批准的登记1。回 批 编号，编号在登记申请短信里。"), to(gw.sent(), CAPTAIN));
    }

    @Test
    void onlyTheCaptainApprovesAndMakesInviteCodesUnlessTheSiteLetsVolunteers() throws Exception {
        gw.text("+8613912340005", "DJ 赵小丽 ZT0427");
        gw.text("+8613912340006", "DJ 钱小军 ZT0427");
        gw.sent();
        String captainOnly = SIG + "批准登记和发邀请码只有托管点队长能做，请转给队长。";

        gw.text(VOLUNTEER, "批 2");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(captainOnly), to(sent, VOLUNTEER));
        assertEquals(List.of(), to(sent, "+8613912340006"), "a volunteer cannot let a stranger follow a child");
        gw.text(VOLUNTEER, "邀请 1");
        assertEquals(List.of(captainOnly), to(gw.sent(), VOLUNTEER), "nor make an invite code");

        gw.text(CAPTAIN, "批 2");
        sent = gw.sent();
        assertEquals(List.of(SIG + "已批准登记2：钱小军，名单4号。"), to(sent, CAPTAIN));
        assertEquals(1, to(sent, "+8613912340006").size());

        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427", "{\"volunteersMayApprove\":true}").statusCode());
        gw.text(VOLUNTEER, "批 1");
        sent = gw.sent();
        assertEquals(List.of(SIG + "已批准登记1：赵小丽，名单5号。"), to(sent, VOLUNTEER), "the site allows it now");
        assertEquals(1, to(sent, "+8613912340005").size());
        gw.text(VOLUNTEER, "邀请 1");
        assertTrue(to(gw.sent(), VOLUNTEER).get(0).startsWith(SIG + "邀请码"));
        gw.text("+8613912340007", "DJ 孙小花 ZT0427");
        assertEquals(List.of(SIG + "登记申请3：+8613912340007（家人）要登记孙小花到永丰小学托管点。同意请回 批3"),
                to(gw.sent(), VOLUNTEER), "a volunteer who may approve is asked to");

        assertEquals(200, gw.admin("PUT", "/api/sites/ZT0427", "{\"volunteersMayApprove\":false}").statusCode());
        gw.text(VOLUNTEER, "邀请 1");
        assertEquals(List.of(captainOnly), to(gw.sent(), VOLUNTEER), "and can take it back");
    }

    @Test
    void aRepeatedRegistrationAsksStaffOnceAndTheyAreWarnedOfAKnownChild() throws Exception {
        gw.text(STRANGER, "DJ 王小明 ZT0427");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "登记申请1：+8613600000009（家人）要登记王小明到永丰小学托管点。"
                + "注意：名单1号已有王小明，已有2位家长，请先核实。同意请回 批1"), to(sent, CAPTAIN));
        gw.text(STRANGER, "DJ 王小明 ZT0427");
        sent = gw.sent();
        assertEquals(List.of(SIG + "王小明的登记已经收到，工作人员批准后会短信通知你。"), to(sent, STRANGER));
        assertEquals(List.of(), to(sent, CAPTAIN), "staff are not asked twice");
    }

    @Test
    void staffRemoveAGuardianByPhoneNumber() throws Exception {
        assertEquals(200, gw.admin("DELETE", "/api/sites/ZT0427/children/" + gw.childId(1) + "/guardians/%2B8613712340000", null).statusCode());
        assertEquals(404, gw.admin("DELETE", "/api/sites/ZT0427/children/" + gw.childId(1) + "/guardians/%2B8613712340000", null).statusCode());
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        List<Sms> sent = gw.sent();
        assertEquals(1, to(sent, WANG_GRANDMA).size());
        assertEquals(List.of(), to(sent, WANG_FATHER), "a removed guardian hears nothing more about the child");
    }

    @Test
    void checkInTellsEveryGuardianAndCheckOutNamesWhoPickedUp() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1 2");
        List<Sms> sent = gw.sent();
        String arrival = SIG + "王小明 08:05 已到永丰小学托管点。回4查询 回0帮助";
        assertEquals(List.of(arrival), to(sent, WANG_GRANDMA));
        assertEquals(List.of(arrival), to(sent, WANG_FATHER));
        assertEquals(List.of(SIG + "李小红 08:05 已到永丰小学托管点。回4查询 回0帮助"), to(sent, LI_GRANDMA));
        assertEquals(List.of(SIG + "已签到2人：1王小明 2李小红。还有1人未到，回未到查看。"), to(sent, VOLUNTEER));
        assertEquals(List.of(), to(sent, ZHANG_GRANDPA));

        gw.text(VOLUNTEER, "到 1");
        assertEquals(List.of(SIG + "已签到1人：1王小明。还有1人未到，回未到查看。"), gw.sent().stream().map(Sms::body).toList(),
                "checking in twice tells the guardians once");

        gw.at("17:05");
        gw.text(VOLUNTEER, "走 1 奶奶");
        sent = gw.sent();
        assertEquals(List.of(SIG + "王小明 17:05 已从永丰小学托管点接走（奶奶）。回4查询"), to(sent, WANG_GRANDMA));
        assertEquals(List.of(SIG + "已签退1人：1王小明。还有1人在托管点。"), to(sent, VOLUNTEER));

        gw.text(VOLUNTEER, "走 2");
        assertEquals(List.of(SIG + "李小红 17:05 已从永丰小学托管点接走。回4查询"), to(gw.sent(), LI_GRANDMA));
    }

    @Test
    void staffSeeWhoIsMissingAndTheDaysRoster() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        gw.text(ZHANG_GRANDPA, "2");
        gw.sent();
        gw.text(CAPTAIN, "未到");
        assertEquals(List.of(SIG + "未到1人：2李小红"), to(gw.sent(), CAPTAIN));
        gw.text(CAPTAIN, "名单");
        assertEquals(List.of(SIG + "今天3人：在1 已走0 请假1 未到1（2）"), to(gw.sent(), CAPTAIN));
        gw.text(CAPTAIN, "到 9");
        assertEquals(List.of(SIG + "没有9号，名单是1-3。"), to(gw.sent(), CAPTAIN));
    }

    @Test
    void guardiansAskStatusReportAbsenceAndAskForAnEscort() throws Exception {
        gw.at("08:05");
        gw.text(VOLUNTEER, "到 1");
        gw.sent();
        gw.at("10:00");
        gw.text(WANG_GRANDMA, "４");
        assertEquals(List.of(SIG + "王小明今天08:05已到永丰小学托管点，还没接走。"), to(gw.sent(), WANG_GRANDMA));

        gw.text(ZHANG_GRANDPA, "請假");
        assertEquals(List.of(SIG + "已记下张小刚今天请假，托管点已知道。回4查询"), to(gw.sent(), ZHANG_GRANDPA));
        gw.text(ZHANG_GRANDPA, "4");
        assertEquals(List.of(SIG + "张小刚今天请假，不来永丰小学托管点。"), to(gw.sent(), ZHANG_GRANDPA));

        gw.text(WANG_FATHER, "3");
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已请托管点护送王小明回家，志愿者会联系你。"), to(sent, WANG_FATHER));
        assertEquals(List.of(SIG + "1号王小明今天请护送回家，爸爸电话+8613712340000。"), to(sent, CAPTAIN));
        assertEquals(List.of(), to(sent, VOLUNTEER), "escort requests go to the captain");

        gw.text(LI_GRANDMA, "0");
        assertEquals(List.of(SIG + "守护托管：回1收到 回2请假 回3护送回家 回4查询今天情况 回0帮助。登记孩子发 DJ 姓名 托管点代码。回TD退订"),
                to(gw.sent(), LI_GRANDMA));
        gw.text(LI_GRANDMA, "今天吃什么");
        assertEquals(List.of(SIG + "没看懂。回1收到 回2请假 回3护送 回4查询 回0帮助"), to(gw.sent(), LI_GRANDMA));
    }

    @Test
    void aNoticeReachesEveryGuardianOnceAndOptOutSilencesIt() throws Exception {
        gw.text(LI_GRANDMA, "TD");
        assertEquals(List.of(SIG + "已退订，不再收到托管通知。回KS可重新接收。"), to(gw.sent(), LI_GRANDMA));

        gw.text(CAPTAIN, "通知 明天下雨，请8点前送到");
        List<Sms> sent = gw.sent();
        String notice = SIG + "永丰小学托管点通知：明天下雨，请8点前送到";
        assertEquals(List.of(notice), to(sent, WANG_GRANDMA));
        assertEquals(List.of(notice), to(sent, WANG_FATHER));
        assertEquals(List.of(notice), to(sent, ZHANG_GRANDPA));
        assertEquals(List.of(), to(sent, LI_GRANDMA));
        assertEquals(List.of(SIG + "已开始发送3条，约1分钟内发完。回进度查看"), to(sent, CAPTAIN));

        gw.at("08:05");
        gw.text(VOLUNTEER, "到 2");
        assertEquals(List.of(), to(gw.sent(), LI_GRANDMA), "no arrival notice after TD");

        gw.text(LI_GRANDMA, "KS");
        assertEquals(List.of(SIG + "已恢复接收托管通知。回0帮助"), to(gw.sent(), LI_GRANDMA));
        gw.text(CAPTAIN, "通知 明天见");
        assertEquals(List.of(SIG + "永丰小学托管点通知：明天见"), to(gw.sent(), LI_GRANDMA));
    }

    @Test
    void whoSendsDecidesWhatIsAllowed() throws Exception {
        gw.text(WANG_GRANDMA, "到 1 2 3");
        assertEquals(List.of(SIG + "这个指令只有托管点工作人员能用。回0帮助"), gw.sent().stream().map(Sms::body).toList());
        gw.text(CAPTAIN, "通知 请看 www.example.com");
        assertEquals(List.of(SIG + "通知里不能有网址，请只写文字。"), gw.sent().stream().map(Sms::body).toList());
        gw.text(CAPTAIN, "通知 明天放假，有事打 138 1234 5678");
        assertEquals(List.of(SIG + "通知里不能有电话号码，请去掉号码再发；要家长联系，请写“回电托管点”。"),
                gw.sent().stream().map(Sms::body).toList(), "nobody's number goes to every family, and a domestic template's content may carry none");

        gw.text(STRANGER, "你好");
        assertEquals(List.of(new Sms(STRANGER, SIG + "这里是守护托管短信平台。登记孩子请发：DJ 孩子姓名 托管点代码，如 DJ 王小明 ZT0427")), gw.sent());
        gw.text(STRANGER, "4");
        assertEquals(List.of(), gw.sent(), "a stranger gets instructions at most once a day");
    }

    @Test
    void aRepeatedWebhookIsActedOnOnceAndAForgedOneIsRefused() throws Exception {
        HttpRequest forged = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/twilio/sms"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")
                .POST(HttpRequest.BodyPublishers.ofString("MessageSid=SMx&From=%2B8613800000001&Body=TD")).build();
        assertEquals(403, gw.raw(forged).statusCode());
        assertEquals(List.of(), gw.sent());
        assertEquals(200, gw.text(CAPTAIN, "名单", "SM0123456789abcdef0123456789abcdef"));
        assertEquals(200, gw.text(CAPTAIN, "名单", "SM0123456789abcdef0123456789abcdef"));
        assertEquals(List.of(SIG + "今天3人：在0 已走0 请假0 未到3（1,2,3）"), to(gw.sent(), CAPTAIN));
    }
}
