package org.shouhu.gateway.channel.aliyun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.InboundInProgressException;
import org.slf4j.LoggerFactory;

/** Aliyun's SmsUp and SmsReport pushes as Aliyun posts them, against a recording inbound sink and report store. */
class AliyunPushEndpointTest {

    static final String TOKEN = "push-token-0123456789abcdef";
    static final String UP = "/aliyun/sms-up/" + TOKEN;
    static final String REPORT = "/aliyun/sms-report/" + TOKEN;
    static final String TAKEN = "{\"code\":0,\"msg\":\"接收成功\"}";
    static final Instant NOW = Instant.parse("2026-07-15T00:15:03Z");

    final List<InboundMessage> accepted = new ArrayList<>();
    final Set<String> acted = new HashSet<>();
    final List<DeliveryReport> reports = new ArrayList<>();
    RuntimeException sinkFails;
    String busyOn;
    ListAppender<ILoggingEvent> logs;

    AliyunPushEndpoint endpoint(List<String> allow) {
        AliyunSettings s = AliyunSenderTest.settings("http://127.0.0.1:9");
        s = new AliyunSettings(s.accessKeyId(), s.accessKeySecret(), s.signName(), s.templates(), s.endpoint(), TOKEN, allow);
        return new AliyunPushEndpoint(s, m -> {
            if (sinkFails != null) {
                throw sinkFails;
            }
            if (m.providerId().equals(busyOn)) {
                throw new InboundInProgressException(m.providerId(), Duration.ofSeconds(4));
            }
            if (acted.add(m.providerId())) { // acts once per provider id, as InboundOnce does
                accepted.add(m);
            }
        }, r -> {
            reports.add(r);
            return r.messageId().startsWith("m");
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    HttpReply post(String path, String json) throws Exception {
        return call("POST", path, json, InetAddress.getByName("100.104.1.2"), List.of());
    }

    HttpReply call(String method, String path, String json, InetAddress peer, List<String> allow) {
        return endpoint(allow).handle(new HttpCall(method, path, Map.of(), Map.of("content-type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), peer));
    }

    static String body(HttpReply reply) {
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    static String item(String phone, String content, String sequence) {
        return "{\"phone_number\":" + phone + ",\"content\":" + content + ",\"send_time\":\"2026-07-15 08:15:00\","
                + "\"dest_code\":\"1234\",\"sequence_id\":" + sequence + "}";
    }

    @AfterEach
    void detach() {
        if (logs != null) {
            ((Logger) LoggerFactory.getLogger("org.shouhu.gateway.channel.aliyun")).detachAppender(logs);
        }
    }

    @Test
    void aReplyIsHandedInAndAnsweredAsAliyunWants() throws Exception {
        HttpReply reply = post(UP, "[" + item("\"13912345678\"", "\"2\"", "1234567890") + "]");

        assertEquals(200, reply.status());
        assertEquals(TAKEN, body(reply));
        assertTrue(reply.contentType().startsWith("application/json"));
        assertEquals(List.of(new InboundMessage("aliyun", "1234567890", new org.shouhu.routes.model.Address("+8613912345678"),
                "2", NOW)), accepted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\"13912345678\"|+8613912345678",
            "\"+8613912345678\"|+8613912345678",
            "\"8613912345678\"|+8613912345678",
            "13912345678|+8613912345678",
            "\" 15000000000 \"|+8615000000000"})
    void elevenDigitsWithOrWithoutPlus86AreTheSameNumber(String written, String e164) throws Exception {
        assertEquals(200, post(UP, "[" + item(written, "\"1\"", "7") + "]").status());
        assertEquals(e164, accepted.get(0).from().value());
    }

    @Test
    void aBadItemIsLoggedMaskedAndTheGoodOnesKept() throws Exception {
        logs = capture();
        String batch = "[" + item("\"13912345678\"", "\"1\"", "1") + ","
                + item("\"1391234567\"", "\"2\"", "2") + "," // ten digits
                + item("\"+15005550006\"", "\"2\"", "3") + "," // not mainland
                + item("\"13912340002\"", "\"2\"", "null") + "," // no sequence id
                + item("\"13912340003\"", "null", "5") + "," // no content
                + "\"not an object\","
                + item("\"13912340004\"", "\"3\"", "\"6\"") + "]";

        HttpReply reply = post(UP, batch);

        assertEquals(200, reply.status());
        assertEquals(TAKEN, body(reply));
        assertEquals(List.of("1", "6"), accepted.stream().map(InboundMessage::providerId).toList());
        List<String> skipped = logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("Skipped")).toList();
        assertEquals(5, skipped.size(), String.join("\n", skipped));
        assertTrue(logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                .noneMatch(l -> l.contains("13912340002") || l.contains("1391234567") || l.contains(TOKEN)), "numbers masked, token never shown");
    }

    @Test
    void thesamePushTwiceActsOnce() throws Exception {
        String batch = "[" + item("\"13912345678\"", "\"2\"", "1234567890") + "," + item("\"13912345678\"", "\"2\"", "1234567890") + "]";
        assertEquals(200, post(UP, batch).status());
        assertEquals(200, post(UP, batch).status());
        assertEquals(1, accepted.size());
    }

    @Test
    void aReplyThatCouldNotBeActedOnMakesAliyunPushAgain() throws Exception {
        sinkFails = new IllegalStateException("Redis away");
        HttpReply reply = post(UP, "[" + item("\"13912345678\"", "\"2\"", "1") + "]");
        assertEquals(500, reply.status());
        assertFalse(body(reply).contains("接收成功"));
    }

    @Test
    void aReplyStillAtWorkInAnotherTryIs503AndTheOthersAreActedOn() throws Exception {
        busyOn = "1";
        HttpReply reply = post(UP, "[" + item("\"13912345678\"", "\"2\"", "1") + "," + item("\"13912340002\"", "\"1\"", "2") + "]");
        assertEquals(503, reply.status());
        assertEquals("4", reply.headers().get("Retry-After"));
        assertEquals(List.of("2"), accepted.stream().map(InboundMessage::providerId).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not json|{|not JSON",
            "an object|{\"phone_number\":\"13912345678\"}|expected a JSON array of items, got object",
            "empty|''|empty body"})
    void aBodyThatIsNotAJsonArrayIs400WithAReason(String name, String json, String reason) throws Exception {
        HttpReply reply = post(UP, json);
        assertEquals(400, reply.status());
        assertTrue(body(reply).contains(reason), body(reply));
        assertEquals(List.of(), accepted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "/aliyun/sms-up/wrong-token-0123456789abcdef",
            "/aliyun/sms-up/",
            "/aliyun/sms-up/push-token-0123456789abcdef/extra",
            "/aliyun/sms-report/push-token-0123456789abcde",
            "/aliyun/other/push-token-0123456789abcdef"})
    void aWrongTokenOrPathIs404AndNothingIsRead(String path) throws Exception {
        HttpReply reply = post(path, "[" + item("\"13912345678\"", "\"2\"", "1") + "]");
        assertEquals(404, reply.status());
        assertEquals(List.of(), accepted);
        assertEquals(List.of(), reports);
    }

    @Test
    void onlyPost() throws Exception {
        assertEquals(405, call("GET", UP, "", null, List.of()).status());
    }

    @Test
    void theAllowListKeepsOtherSourcesOut() throws Exception {
        String batch = "[" + item("\"13912345678\"", "\"2\"", "1") + "]";
        assertEquals(403, call("POST", UP, batch, InetAddress.getByName("203.0.113.9"), List.of("100.104.0.0/16")).status());
        assertEquals(List.of(), accepted);
        assertEquals(200, call("POST", UP, batch, InetAddress.getByName("100.104.9.9"), List.of("100.104.0.0/16")).status());
        assertEquals(1, accepted.size());
    }

    @Test
    void reportsAreRecordedByOurIdAndAliyunsBizId() throws Exception {
        String batch = "[{\"phone_number\":\"13912345678\",\"send_time\":\"2026-07-15 08:30:01\",\"report_time\":\"2026-07-15 08:30:05\","
                + "\"success\":true,\"err_code\":\"DELIVERED\",\"err_msg\":\"用户接收成功\",\"sms_size\":\"1\",\"biz_id\":\"900619^0\",\"out_id\":\"m1796410929122003\"},"
                + "{\"phone_number\":\"13912340002\",\"send_time\":\"2026-07-15 08:30:01\",\"report_time\":\"2026-07-15 08:30:09\","
                + "\"success\":\"false\",\"err_code\":\"MK:0001\",\"err_msg\":\"空号\",\"sms_size\":\"1\",\"biz_id\":\"900620^0\",\"out_id\":\"m1796410929122004\"},"
                + "{\"phone_number\":\"13912340003\",\"success\":true,\"biz_id\":\"900621^0\",\"out_id\":\"x-not-ours\"},"
                + "{\"phone_number\":\"13912340004\",\"success\":true,\"biz_id\":\"900622^0\"}]";

        HttpReply reply = post(REPORT, batch);

        assertEquals(200, reply.status());
        assertEquals(TAKEN, body(reply));
        assertEquals(List.of(
                new DeliveryReport("m1796410929122003", "900619^0", DeliveryStatus.DELIVERED, null, NOW),
                new DeliveryReport("m1796410929122004", "900620^0", DeliveryStatus.UNDELIVERED, "MK:0001", NOW),
                new DeliveryReport("x-not-ours", "900621^0", DeliveryStatus.DELIVERED, null, NOW)), reports,
                "one without out_id cannot be matched and is skipped; one not ours is answered 200 all the same");
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("org.shouhu.gateway.channel.aliyun")).addAppender(appender);
        return appender;
    }
}
