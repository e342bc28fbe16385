package org.shouhu.gateway.e2e;

import org.shouhu.gateway.testing.OutboxStreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.SendReceipt;

/** The outbox against Twilio's answers: retries, permanent failures, opt-out by the carrier, status callbacks, caps. */
class OutboxDeliveryTest {

    static final String GRANDMA = "+8613912345678";
    static final String SIG = "【守护托管】";
    static final String HELP = SIG + "守护托管：回1收到 回2请假 回3护送回家 回4查询今天情况 回0帮助。登记孩子发 DJ 姓名 托管点代码。回TD退订";

    GatewayUnderTest gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    private StoredMessage lastTo(String phone) {
        return gw.gateway.messages().sentTo(new Address(phone), 1).get(0);
    }

    @ParameterizedTest(name = "HTTP {0} / Twilio {1} → retried")
    @CsvSource({"429, 20429", "503, 0", "400, 30003"})
    void transientFailuresAreRetriedWithBackoffUntilAccepted(int status, int code) throws Exception {
        gw = new GatewayUnderTest();
        gw.refuseMessages(status, code);
        gw.text(GRANDMA, "0");
        StoredMessage m = lastTo(GRANDMA);
        assertEquals(DeliveryStatus.PENDING, m.status());
        assertEquals(status == 429 ? 0 : 1, m.attempts(), "a throttle (429) is not counted as an attempt");
        assertEquals(code == 0 ? "http-" + status : String.valueOf(code), m.errorCode());

        gw.acceptMessages();
        gw.sent();
        gw.clock.advance(Duration.ofSeconds(29));
        assertEquals(0, gw.gateway.drainOutbox(), "not due before the 30 s backoff");
        gw.clock.advance(Duration.ofSeconds(2));
        assertEquals(1, gw.gateway.drainOutbox());
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA));
        assertEquals(DeliveryStatus.QUEUED, lastTo(GRANDMA).status());
    }

    @ParameterizedTest(name = "Twilio {0} → failed, opted out: {1}")
    @CsvSource({"21211, false", "21614, false", "30005, false", "30006, false", "21610, true"})
    void permanentFailuresAreFinal(int code, boolean optsOut) throws Exception {
        gw = new GatewayUnderTest();
        gw.refuseMessages(400, code);
        gw.text(GRANDMA, "0");
        StoredMessage m = lastTo(GRANDMA);
        assertEquals(DeliveryStatus.FAILED, m.status());
        assertEquals(String.valueOf(code), m.errorCode());
        assertEquals(optsOut, gw.gateway.care().isOptedOut(new Address(GRANDMA)));
        gw.clock.advance(Duration.ofHours(2));
        assertEquals(0, gw.gateway.drainOutbox(), "a failed message is never retried");
    }

    @Test
    void aMessageWhoseSendWasRecordedIsNotSentAgainAfterACrash() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        gw.gateway.care().setOptedOut(new Address(GRANDMA), false);
        // the node crashed after Twilio accepted the message and we recorded it, before the stream ack
        StoredMessage queued = enqueueHelp(GRANDMA);
        abandonedByAStoppedNode();
        gw.gateway.messages().recordSent(queued, "sms", HELP, new SendReceipt("SMalready", DeliveryStatus.QUEUED));
        assertEquals(1, gw.gateway.drainOutbox(), "the claimed entry is handled and acknowledged");
        assertEquals(List.of(), gw.sent());
        assertEquals(0L, OutboxStreams.length(gw.gateway.redis()));
    }

    @Test
    void aMessageAStoppedNodeReadButNeverSentIsClaimedAndSentOnce() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage queued = enqueueHelp(GRANDMA);
        abandonedByAStoppedNode();
        assertEquals(1, gw.gateway.drainOutbox());
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA));
        StoredMessage sent = gw.gateway.messages().load(queued.id()).orElseThrow();
        assertEquals(1, sent.attempts());
        assertEquals(0, gw.gateway.drainOutbox(), "nothing left to claim or read");
        assertEquals(List.of(), gw.sent(), "sent once");
    }

    @Test
    void aReportFindsItsMessageByTheIdInItsCallbackAndOnlyThatMessage() throws Exception {
        gw = new GatewayUnderTest();
        gw.text(GRANDMA, "0");
        StoredMessage help = lastTo(GRANDMA);
        String callbacks = GatewayUnderTest.PUBLIC_URL + "/twilio/status";
        assertEquals(200, gw.status(callbacks, help.providerId(), GRANDMA, "delivered"), "a report naming no message");
        assertEquals(200, gw.status(callbacks + "?m=m999999", help.providerId(), GRANDMA, "delivered"), "an unknown message");
        assertEquals(200, gw.status(callbacks + "?m=" + help.id(), "SMsomeoneelse", GRANDMA, "delivered"),
                "another message's Twilio id");
        assertEquals(DeliveryStatus.QUEUED, lastTo(GRANDMA).status(), "none of them is recorded");
        assertEquals(java.util.Set.of("sh:msgs:" + Long.parseLong(help.id().substring(1)) / 1000), gw.redis().keys("sh:msgs:*"),
                "no record made up for an id never given out");
        assertEquals(200, gw.status(help, "delivered"));
        assertEquals(DeliveryStatus.DELIVERED, lastTo(GRANDMA).status());
        assertEquals(java.util.Set.of(), gw.redis().keys("sh:pid:*"), "no index from Twilio's ids to ours");
    }

    @Test
    void aReportThatOvertakesTheReceiptIsKept() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage queued = enqueueHelp(GRANDMA);
        // Twilio called back (delivered) before this node wrote its receipt (queued)
        assertTrue(gw.gateway.messages().record(new org.shouhu.routes.port.DeliveryReport(queued.id(), "SMfast",
                DeliveryStatus.DELIVERED, null, gw.clock.instant())));
        gw.gateway.messages().recordSent(queued, "sms", HELP, new SendReceipt("SMfast", DeliveryStatus.QUEUED));
        StoredMessage m = gw.gateway.messages().load(queued.id()).orElseThrow();
        assertEquals(DeliveryStatus.DELIVERED, m.status(), "the receipt does not move the status back");
        assertEquals("SMfast", m.providerId());
        assertEquals(HELP, m.text());
    }

    @Test
    void aRecipientsListKeepsTheNewest200MessagesOnceItGrowsPast250() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        var help = org.shouhu.routes.model.OutboundMessage.of(new Address(GRANDMA),
                org.shouhu.templates.TemplateKey.HELP_GUARDIAN, Map.of(), org.shouhu.routes.model.MessageClass.REPLY);
        List<org.shouhu.routes.model.OutboundMessage> queued = gw.gateway.messages().enqueue(java.util.Collections.nCopies(250, help));
        String list = "sh:to:" + GRANDMA;
        assertEquals(250, gw.redis().llen(list), "not trimmed up to 250");
        String newest = gw.gateway.messages().enqueue(List.of(help)).get(0).id();
        List<String> kept = gw.redis().lrange(list, 0, -1);
        assertEquals(200, kept.size());
        assertEquals(newest, kept.get(0), "newest first");
        assertEquals(queued.get(51).id(), kept.get(199), "the oldest 51 are dropped");
        assertEquals(251, gw.gateway.drainOutbox());
        assertEquals(200, gw.gateway.messages().sentTo(new Address(GRANDMA), 1000).size(), "the kept ones, once sent");
    }

    @Test
    void aFirstDeliveryIsSentFromItsEntryWithoutASendLease() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage queued = enqueueHelp(GRANDMA);
        assertTrue(gw.gateway.messages().load(queued.id()).isEmpty(), "no record while it waits in the outbox");
        assertEquals(1, gw.gateway.drainOutbox());
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA));
        StoredMessage sent = gw.gateway.messages().load(queued.id()).orElseThrow();
        assertEquals(1, sent.attempts());
        assertEquals(DeliveryStatus.QUEUED, sent.status());
        assertEquals(HELP, sent.text());
        assertEquals(queued.createdAt(), sent.createdAt());
        assertEquals(java.util.Set.of(), gw.redis().keys("sh:once:sending:*"));
    }

    @ParameterizedTest(name = "Twilio reported {0}")
    @CsvSource({"SENT", "DELIVERED"})
    void aMessageTheProviderReportedOnIsNotSentAgainThoughItsReceiptWasNeverWritten(DeliveryStatus reported)
            throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage queued = enqueueHelp(GRANDMA);
        abandonedByAStoppedNode(); // it sent the message and stopped before writing the receipt
        assertTrue(gw.gateway.messages().record(new org.shouhu.routes.port.DeliveryReport(queued.id(), "SMgone",
                reported, null, gw.clock.instant())));

        assertEquals(1, gw.gateway.drainOutbox(), "the claimed entry is handled and acknowledged");

        assertEquals(List.of(), gw.sent(), "Twilio has it: not sent twice");
        StoredMessage m = gw.gateway.messages().load(queued.id()).orElseThrow();
        assertTrue(m.isReportOnly());
        assertEquals(reported, m.status());
        assertEquals("SMgone", m.providerId());
    }

    @Test
    void aReportOnAMessageRecordedBeforeRecordsMovedIntoHashesMovesItsStatus() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        String before = enqueueHelp("+8613912340009").id();
        gw.gateway.drainOutbox();
        String id = "m" + (Long.parseLong(before.substring(1)) + 1); // sent before the change, reported on after it
        gw.redis().hset("sh:msg:" + id, Map.of("to", GRANDMA, "template", "HELP_GUARDIAN", "params", "{}", "kind", "REPLY",
                "createdAt", gw.clock.instant().toString(), "status", "queued", "rank", "1", "text", HELP,
                "providerId", "SMold", "attempts", "1"));

        assertTrue(gw.gateway.messages().record(new org.shouhu.routes.port.DeliveryReport(id, "SMold",
                DeliveryStatus.DELIVERED, null, gw.clock.instant())));

        StoredMessage m = gw.gateway.messages().load(id).orElseThrow();
        assertEquals(DeliveryStatus.DELIVERED, m.status());
        assertEquals(HELP, m.text(), "the message as it was kept, not the report alone");
        assertEquals(new Address(GRANDMA), m.to());
    }

    @Test
    void aRetryPutOffBeforeRecordsMovedIntoHashesIsSentWhenItComesDue() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        String before = enqueueHelp("+8613912340009").id();
        gw.gateway.drainOutbox();
        gw.sent();
        String id = "m" + (Long.parseLong(before.substring(1)) + 1); // an id given out, whose record was kept the old way
        gw.redis().hset("sh:msg:" + id, Map.of("to", GRANDMA, "template", "HELP_GUARDIAN", "params", "{}", "kind", "REPLY",
                "createdAt", gw.clock.instant().toString(), "attempts", "1", "error", "http-503"));
        gw.redis().zadd("sh:outbox:delayed", gw.clock.millis(), id);

        assertEquals(1, gw.gateway.drainOutbox());

        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA));
        StoredMessage m = gw.gateway.messages().load(id).orElseThrow();
        assertEquals(DeliveryStatus.QUEUED, m.status());
        assertEquals(2, m.attempts(), "its attempt before the change counts");
    }

    @Test
    void aMessagesRecordIsWrittenOnceItIsSentAsOneFieldOfAHashPerThousandIdsThatExpires() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage first = enqueueHelp(GRANDMA);
        StoredMessage second = enqueueHelp("+8613912340003");
        String hash = "sh:msgs:" + Long.parseLong(first.id().substring(1)) / 1000;
        assertEquals(java.util.Set.of(), gw.redis().keys("sh:msgs:*"), "nothing recorded while they wait in the outbox");

        assertEquals(2, gw.gateway.drainOutbox());

        assertEquals(java.util.Set.of(hash), gw.redis().keys("sh:msgs:*"), "both in one hash, no key of their own");
        assertEquals(2L, gw.redis().hlen(hash));
        long days = gw.redis().ttl(hash) / 86_400;
        assertTrue(days >= 119 && days <= 120, "kept for a season's reports: " + days + " days");
        var record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(gw.redis().hget(hash, second.id()));
        assertEquals("+8613912340003", record.get("to").asText());
        assertEquals("HELP_GUARDIAN", record.get("template").asText());
        assertEquals("queued", record.get("status").asText());
        assertEquals(HELP, record.get("text").asText());
        assertEquals(1, record.get("attempts").asInt());
    }

    /**
     * The one outbox entry was read by another node's worker, which stopped before acknowledging it;
     * it has been idle for ten minutes, so the next drain claims it.
     */
    private void abandonedByAStoppedNode() {
        var read = gw.gateway.redis().xreadGroup("senders", "stopped-node-0",
                redis.clients.jedis.params.XReadGroupParams.xReadGroupParams().count(1),
                Map.of("sh:out:sms:reply", redis.clients.jedis.StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        redis.clients.jedis.StreamEntryID entry = read.get(0).getValue().get(0).getID();
        gw.gateway.redis().xclaim("sh:out:sms:reply", "senders", "stopped-node-0", 0,
                redis.clients.jedis.params.XClaimParams.xClaimParams().idle(600_000), entry);
    }

    /** Queues the help text to {@code to}; returns it as the outbox will hand it to the outbound route. */
    private StoredMessage enqueueHelp(String to) {
        var m = gw.gateway.messages().enqueue(List.of(org.shouhu.routes.model.OutboundMessage.of(
                new Address(to), org.shouhu.templates.TemplateKey.HELP_GUARDIAN, Map.of(),
                org.shouhu.routes.model.MessageClass.REPLY))).get(0);
        return StoredMessage.queued(m, gw.clock.instant());
    }

    @Test
    void oneMessageThatCannotGoDoesNotHoldUpTheOthersInItsBatch() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        String grandpa = "+8613912340003";
        StoredMessage first = enqueueHelp(GRANDMA);
        StoredMessage noChannel = enqueueHelp("telegram:12345"); // Telegram is not configured on this node
        StoredMessage last = enqueueHelp(grandpa);
        assertEquals(3, gw.gateway.drainOutbox());
        List<GatewayUnderTest.Sms> sent = gw.sent();
        assertEquals(List.of(HELP), to(sent, GRANDMA));
        assertEquals(List.of(HELP), to(sent, grandpa));
        StoredMessage failed = gw.gateway.messages().load(noChannel.id()).orElseThrow();
        assertEquals(DeliveryStatus.FAILED, failed.status());
        assertEquals("no-channel", failed.errorCode());
        assertEquals(DeliveryStatus.QUEUED, gw.gateway.messages().load(first.id()).orElseThrow().status());
        assertEquals(DeliveryStatus.QUEUED, gw.gateway.messages().load(last.id()).orElseThrow().status());
    }

    @Test
    void aMessageAnotherWorkerIsSendingWaitsForThatSendAndGoesIfItWasNeverRecorded() throws Exception {
        gw = new GatewayUnderTest(Map.of());
        StoredMessage queued = enqueueHelp(GRANDMA);
        abandonedByAStoppedNode();
        String lease = "sh:once:sending:" + queued.id();
        gw.redis().set(lease, "1"); // another worker claimed the entry first and holds the send lease
        assertEquals(1, gw.gateway.drainOutbox(), "the entry is handled: the message is put back to wait");
        assertEquals(List.of(), gw.sent());
        assertEquals("being-sent", gw.gateway.messages().load(queued.id()).orElseThrow().errorCode());

        gw.redis().del(lease); // that worker died before it sent: its lease ran out
        gw.clock.advance(Duration.ofMinutes(9));
        assertEquals(0, gw.gateway.drainOutbox(), "not before the lease's time is up");
        gw.clock.advance(Duration.ofMinutes(1));
        assertEquals(1, gw.gateway.drainOutbox());
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA));
        assertEquals(0L, OutboxStreams.length(gw.gateway.redis()), "handled entries are trimmed from the stream");
    }

    @Test
    void deliveryStatusOnlyMovesForward() throws Exception {
        gw = new GatewayUnderTest();
        gw.text(GRANDMA, "0");
        StoredMessage help = lastTo(GRANDMA);
        assertEquals(200, gw.status(help, "sent"));
        assertEquals(DeliveryStatus.SENT, lastTo(GRANDMA).status());
        assertEquals(200, gw.status(help, "delivered"));
        assertEquals(200, gw.status(help, "sent"));
        assertEquals(DeliveryStatus.DELIVERED, lastTo(GRANDMA).status());
        var api = gw.admin("GET", "/api/messages?to=%2B8613912345678", null);
        assertEquals(200, api.statusCode());
        assertTrue(api.body().contains("\"status\":\"delivered\""), api.body());
    }

    @Test
    void repliesToOneNumberAreCappedPerHour() throws Exception {
        gw = new GatewayUnderTest(Map.of("SHOUHU_REPLY_CAP_PER_HOUR", "3"));
        for (int i = 0; i < 5; i++) {
            gw.text(GRANDMA, "0");
        }
        assertEquals(3, to(gw.sent(), GRANDMA).size());
        gw.clock.advance(Duration.ofHours(1));
        gw.text(GRANDMA, "0", "SMrepeated00000000000000000000001");
        gw.text(GRANDMA, "0", "SMrepeated00000000000000000000001");
        gw.text(GRANDMA, "0", "SMrepeated00000000000000000000001");
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA), "Twilio repeating one webhook: acted on and counted once");
        gw.text(GRANDMA, "0");
        gw.text(GRANDMA, "0");
        assertEquals(List.of(HELP, HELP), to(gw.sent(), GRANDMA), "so the hour's allowance is not used up by repeats");
        gw.clock.advance(Duration.ofHours(1));
        gw.text(GRANDMA, "0");
        assertEquals(List.of(HELP), to(gw.sent(), GRANDMA), "a new hour, a new allowance");
    }
}
