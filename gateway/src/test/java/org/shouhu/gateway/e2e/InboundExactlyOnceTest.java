package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.gateway.testing.GatewayUnderTest.Sms;
import org.shouhu.routes.care.ChildState;
import org.shouhu.gateway.channel.twilio.TwilioInboundEndpoint;
import org.shouhu.gateway.store.redis.RedisInboundClaims;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundClaims;
import org.shouhu.routes.route.InboundOnce;

/**
 * A provider message is acted on exactly once however its tries fail or repeat: a failure after
 * the effect was stored, a retry while another try holds the message, a retry after a try died.
 */
class InboundExactlyOnceTest {

    static final String VOLUNTEER = GatewayUnderTest.VOLUNTEER;
    static final String WANG_GRANDMA = GatewayUnderTest.WANG_GRANDMA;
    static final String WANG_FATHER = GatewayUnderTest.WANG_FATHER;
    static final String SIG = "【守护托管】";
    static final String SID = "SM00000000000000000000000000000001";
    static final String ARRIVAL = SIG + "王小明 08:05 已到永丰小学托管点。回4查询 回0帮助";
    static final String CHECKED_IN = SIG + "已签到1人：1王小明。还有2人未到，回未到查看。";

    GatewayUnderTest gw;

    @BeforeEach
    void site() throws Exception {
        gw = new GatewayUnderTest().withSite();
        gw.at("08:05");
    }

    @AfterEach
    void stop() {
        Failpoints.configure("");
        gw.close();
    }

    private ChildState wangXiaoming() {
        return gw.gateway.care().dayRecord("ZT0427", gw.gateway.day().today(), gw.childId(1))
                .map(r -> r.state()).orElse(ChildState.EXPECTED);
    }

    @Test
    void aFailureAfterTheCheckInWasStoredIsRetriedAndEachGuardianHearsOnce() throws Exception {
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(VOLUNTEER, "到 1", SID), "the replies are not queued: Twilio must try again");
        assertEquals(ChildState.ARRIVED, wangXiaoming(), "the check-in itself was stored");

        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        List<Sms> sent = gw.sent();
        assertEquals(List.of(ARRIVAL), to(sent, WANG_GRANDMA));
        assertEquals(List.of(ARRIVAL), to(sent, WANG_FATHER));
        assertEquals(List.of(CHECKED_IN), to(sent, VOLUNTEER));
        assertEquals(3, sent.size());

        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        assertEquals(List.of(), gw.sent(), "a further repeat does nothing");
    }

    @Test
    void aFailureAfterThePickUpWasStoredIsRetriedAndEachGuardianHearsOnce() throws Exception {
        gw.text(VOLUNTEER, "到 1");
        gw.sent();
        gw.at("17:05");
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(VOLUNTEER, "走 1 奶奶", SID));
        assertEquals(ChildState.LEFT, wangXiaoming());

        assertEquals(200, gw.text(VOLUNTEER, "走 1 奶奶", SID));
        List<Sms> sent = gw.sent();
        String pickup = SIG + "王小明 17:05 已从永丰小学托管点接走（奶奶）。回4查询";
        assertEquals(List.of(pickup), to(sent, WANG_GRANDMA));
        assertEquals(List.of(pickup), to(sent, WANG_FATHER));
        assertEquals(List.of(SIG + "已签退1人：1王小明。还有0人在托管点。"), to(sent, VOLUNTEER));
        assertEquals(3, sent.size());
    }

    @Test
    void aFailureRightAfterTheClaimIsRetriedAndActedOn() throws Exception {
        Failpoints.configure("inbound.after-claim=throw@1");
        assertEquals(500, gw.text(VOLUNTEER, "到 1", SID));
        assertEquals(ChildState.EXPECTED, wangXiaoming());
        assertEquals(List.of(), gw.sent());

        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        List<Sms> sent = gw.sent();
        assertEquals(List.of(ARRIVAL), to(sent, WANG_GRANDMA));
        assertEquals(List.of(CHECKED_IN), to(sent, VOLUNTEER));
    }

    @Test
    void aRetryAfterTheMessageWasDoneIsAnswered200AndDoesNothing() throws Exception {
        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        assertEquals(3, gw.sent().size());
        gw.at("08:06");
        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void aFailureAfterAnApprovalWasStoredIsRetriedAndTheGuardianIsLinkedAndWelcomedOnce() throws Exception {
        String zhaoGrandma = "+8613912340005";
        gw.text(zhaoGrandma, "DJ 赵小丽 ZT0427");
        gw.sent();
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(GatewayUnderTest.CAPTAIN, "批 1", SID));
        assertEquals(200, gw.text(GatewayUnderTest.CAPTAIN, "批 1", SID));
        List<Sms> sent = gw.sent();
        assertEquals(List.of(SIG + "已批准登记1：赵小丽，名单4号。"), to(sent, GatewayUnderTest.CAPTAIN));
        assertEquals(List.of(SIG + "赵小丽已在永丰小学托管点登记好。每天到达和接走会短信告诉你。回1收到 回2请假 回3护送回家 回4查询 回0帮助 回TD退订"),
                to(sent, zhaoGrandma));
        assertEquals(4, gw.gateway.care().roster("ZT0427").size(), "the child is on the roster once");

        gw.text(GatewayUnderTest.CAPTAIN, "批 1");
        assertEquals(List.of(SIG + "没有待批准的登记1。回 批 编号，编号在登记申请短信里。"), to(gw.sent(), GatewayUnderTest.CAPTAIN),
                "another message approving it again is still told there is nothing to approve");
    }

    @Test
    void aFailureAfterARegistrationWasMarkedIsRetriedAndTheStaffAreAskedOnce() throws Exception {
        String zhaoGrandma = "+8613912340005";
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(zhaoGrandma, "DJ 赵小丽 ZT0427", SID));
        assertEquals(200, gw.text(zhaoGrandma, "DJ 赵小丽 ZT0427", SID));
        List<Sms> sent = gw.sent();
        assertEquals(1, to(sent, zhaoGrandma).size());
        assertTrue(to(sent, zhaoGrandma).get(0).startsWith(SIG + "已收到赵小丽的登记"), to(sent, zhaoGrandma).toString());
        assertEquals(1, to(sent, GatewayUnderTest.CAPTAIN).size(), "the staff are asked once");
        assertEquals(0, to(sent, VOLUNTEER).size(), "a volunteer who may not answer 批 is not asked");
    }

    @Test
    void aFailureAfterAnAbsenceClosedTheLadderIsRetriedAndTheCaptainIsToldOnce() throws Exception {
        gw.tick("08:30");
        gw.tick("08:45"); // the captain hears of every child not in
        gw.sent();
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(GatewayUnderTest.LI_GRANDMA, "2", SID));
        assertEquals(200, gw.text(GatewayUnderTest.LI_GRANDMA, "2", SID));
        assertEquals(List.of(new Sms(GatewayUnderTest.LI_GRANDMA, SIG + "已记下李小红今天请假，托管点已知道。回4查询"),
                new Sms(GatewayUnderTest.CAPTAIN, SIG + "2号李小红今天请假（外婆报告）。")), gw.sent());
    }

    @Test
    void aFailureAfterAnOnTheWayClosedTheLadderIsRetriedAndTheCaptainIsToldOnce() throws Exception {
        gw.tick("08:30");
        gw.tick("08:45");
        gw.sent();
        Failpoints.configure("inbound.after-effect=throw@1");
        assertEquals(500, gw.text(WANG_FATHER, "1", SID));
        assertEquals(200, gw.text(WANG_FATHER, "1", SID));
        assertEquals(List.of(new Sms(GatewayUnderTest.CAPTAIN, SIG + "1号王小明家长回复：在路上。"), // urgent lane first
                new Sms(WANG_FATHER, SIG + "收到，已告诉托管点王小明在路上。")), gw.sent());
    }

    /** Another node's try of the same message, holding its claim. */
    private InboundClaims.Claim anotherTryHolds(String sid) {
        InboundClaims.Claim claim = otherNode().claim(new InboundMessage(TwilioInboundEndpoint.CHANNEL, sid,
                new Address(VOLUNTEER), "到 1", gw.clock.instant()));
        assertEquals(InboundClaims.Outcome.TAKEN, claim.outcome());
        return claim;
    }

    private InboundOnce otherNode() {
        return new InboundOnce(new RedisInboundClaims(gw.redis(), gw.gateway.messages()), gw.clock);
    }

    @Test
    void aRetryWhileAnotherTryHoldsTheMessageIsNotAnswered200() throws Exception {
        anotherTryHolds(SID);
        long started = System.nanoTime();
        assertEquals(503, gw.text(VOLUNTEER, "到 1", SID), "Twilio must try again: the other try may die");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(3)) > 0,
                "after waiting a few seconds for the other try");
        assertEquals(ChildState.EXPECTED, wangXiaoming(), "and without acting on it alongside the other try");
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void aRetryWaitsForAnotherTryThatFinishesAndIsThenAnswered200WithoutActingAgain() throws Exception {
        InboundClaims.Claim other = anotherTryHolds(SID);
        Thread finisher = new Thread(() -> {
            try {
                Thread.sleep(300); // the other try is at work while the retry arrives
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            otherNode().finish(other, List.of());
        });
        finisher.start();
        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        finisher.join();
        assertEquals(ChildState.EXPECTED, wangXiaoming(), "the message was the other try's to act on");
        assertEquals(List.of(), gw.sent());
    }

    @Test
    void aRetryAfterTheClaimOfATryThatDiedRanOutIsActedOn() throws Exception {
        anotherTryHolds(SID); // and then its node died
        gw.clock.set(gw.clock.instant().plus(InboundOnce.LEASE));
        assertEquals(200, gw.text(VOLUNTEER, "到 1", SID));
        assertEquals(ChildState.ARRIVED, wangXiaoming());
        List<Sms> sent = gw.sent();
        assertEquals(List.of(ARRIVAL), to(sent, WANG_GRANDMA));
        assertEquals(List.of(ARRIVAL), to(sent, WANG_FATHER));
        assertEquals(List.of(CHECKED_IN), to(sent, VOLUNTEER));
    }
}
