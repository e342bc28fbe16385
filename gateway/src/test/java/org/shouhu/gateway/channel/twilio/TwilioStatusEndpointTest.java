package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.DeliveryReports;

/** What Twilio sees when it posts a delivery report to {@code /twilio/status}, and what gets recorded. */
class TwilioStatusEndpointTest {

    private static final String PATH = TwilioStatusEndpoint.PATH;
    private static final String DELIVERED = Fixtures.text("status-delivered.form");
    private static final String UNDELIVERED = Fixtures.text("status-undelivered-30003.form");

    /**
     * One status callback and what must come of it.
     *
     * @param call         the call Twilio (or someone else) makes
     * @param knownMessage whether the store knows the message the report is about
     * @param status       the answer's status
     * @param body         the answer's body
     * @param recorded     the reports handed to the store
     */
    record Case(String name, HttpCall call, boolean knownMessage, int status, String body,
                List<DeliveryReport> recorded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String sid = Fixtures.OUTBOUND_SID;
        String m = "m7";
        return Stream.of(
                new Case("delivered", WebhookCalls.signedForm(PATH, "m", m, DELIVERED), true, 200, "ok",
                        List.of(new DeliveryReport(m, sid, DeliveryStatus.DELIVERED, null, Fixtures.NOW))),
                new Case("undelivered with 30003", WebhookCalls.signedForm(PATH, "m", m, UNDELIVERED), true, 200, "ok",
                        List.of(new DeliveryReport(m, sid, DeliveryStatus.UNDELIVERED, "30003", Fixtures.NOW))),
                new Case("sent, on the way", WebhookCalls.signedForm(PATH, "m", m, DELIVERED.replace("=delivered", "=sent")),
                        true, 200, "ok", List.of(new DeliveryReport(m, sid, DeliveryStatus.SENT, null, Fixtures.NOW))),
                new Case("unknown status word",
                        WebhookCalls.signedForm(PATH, DELIVERED.replace("=delivered", "=teleported")), true,
                        400, "unknown MessageStatus: teleported", List.of()),
                new Case("missing MessageSid", WebhookCalls.signedForm(PATH, withoutSids(DELIVERED)), true,
                        400, "missing MessageSid", List.of()),
                new Case("missing MessageStatus", WebhookCalls.signedForm(PATH, withoutStatus(DELIVERED)), true,
                        400, "missing MessageStatus", List.of()),
                new Case("bad signature", WebhookCalls.call("POST", PATH, WebhookCalls.FORM,
                        WebhookSigner.sign(Fixtures.AUTH_TOKEN, Fixtures.PUBLIC_URL + "/twilio/sms",
                                WebhookSigner.fields(DELIVERED)), DELIVERED), true,
                        403, "bad signature", List.of()),
                new Case("missing signature", WebhookCalls.call("POST", PATH, WebhookCalls.FORM, null, DELIVERED),
                        true, 403, "bad signature", List.of()),
                new Case("GET", WebhookCalls.call("GET", PATH, null, null, ""), true,
                        405, "method not allowed: use POST", List.of()),
                new Case("bad signature: the message id changed on the way",
                        withQuery(WebhookCalls.signedForm(PATH, "m", m, DELIVERED), "m8"), true,
                        403, "bad signature", List.of()),
                new Case("unknown message", WebhookCalls.signedForm(PATH, "m", m, DELIVERED), false, 200, "ok",
                        List.of(new DeliveryReport(m, sid, DeliveryStatus.DELIVERED, null, Fixtures.NOW))),
                new Case("a report naming no message", WebhookCalls.signedForm(PATH, DELIVERED), false, 200, "ok",
                        List.of(new DeliveryReport(null, sid, DeliveryStatus.DELIVERED, null, Fixtures.NOW))));
    }

    private static HttpCall withQuery(HttpCall call, String m) {
        return new HttpCall(call.method(), call.path(), Map.of("m", List.of(m)), call.headers(), call.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void recordsVerifiedReportsAndAnswersTwilio(Case c) {
        List<DeliveryReport> recorded = new ArrayList<>();
        DeliveryReports reports = report -> {
            recorded.add(report);
            return c.knownMessage();
        };
        TwilioStatusEndpoint endpoint = new TwilioStatusEndpoint(Fixtures.settings(), reports, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(c.call());

        assertAll(c.name(),
                () -> assertEquals(c.status(), reply.status(), "status"),
                () -> assertEquals(c.body(), new String(reply.body(), StandardCharsets.UTF_8), "body"),
                () -> assertEquals(c.recorded(), recorded, "reports recorded"));
    }

    private static String withoutSids(String form) {
        return form.replace("SmsSid=" + Fixtures.OUTBOUND_SID + "&", "")
                .replace("MessageSid=" + Fixtures.OUTBOUND_SID + "&", "");
    }

    private static String withoutStatus(String form) {
        return form.replace("SmsStatus=delivered&", "").replace("MessageStatus=delivered&", "");
    }
}
