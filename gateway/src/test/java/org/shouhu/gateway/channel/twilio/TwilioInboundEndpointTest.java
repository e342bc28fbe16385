package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;

/** What Twilio (or a forger) sees when it posts to {@code /twilio/sms}, and what the sink gets. */
class TwilioInboundEndpointTest {

    private static final String PATH = TwilioInboundEndpoint.PATH;
    private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";
    private static final String SMS = Fixtures.text("inbound-sms.form");
    private static final String WHATSAPP = Fixtures.text("inbound-whatsapp.form");
    private static final String LONG_CHINESE = "孩子们今天在河边安全地玩耍，".repeat(115).substring(0, 1600);

    /** How the call is signed. */
    enum Signature {
        /** Signed by Twilio with our token over our public URL and the fields. */
        VALID,
        /** Signed by Twilio with our token over our public URL alone, as Twilio signs a body that is not a form. */
        VALID_URL_ONLY,
        /** Signed over the same URL and fields, with another token. */
        FORGED,
        /** No X-Twilio-Signature header. */
        MISSING,
        /** Signed with our token, but for a different URL. */
        OTHER_URL,
        /** A header that no field set could have produced (for bodies that do not parse). */
        ARBITRARY
    }

    /**
     * One webhook call and what must come of it.
     *
     * @param times       how often Twilio posts it (a retry posts it again)
     * @param sinkFails   whether the sink throws
     * @param status      the answer's status
     * @param body        the answer's body, exactly
     * @param sinkGot     the messages the sink was handed, in order
     */
    record Case(String name, String method, String contentType, String form, Signature signature, int times,
                boolean sinkFails, int status, String body, List<InboundMessage> sinkGot) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        InboundMessage sms = message(Fixtures.INBOUND_SMS_SID, Fixtures.PARENT_NUMBER, "到 3 5 7");
        InboundMessage whatsapp = message(Fixtures.INBOUND_WHATSAPP_SID, "whatsapp:" + Fixtures.PARENT_NUMBER, "请假 明天");
        return Stream.of(
                new Case("valid SMS", "POST", WebhookCalls.FORM, SMS, Signature.VALID, 1, false,
                        200, EMPTY_TWIML, List.of(sms)),
                new Case("valid WhatsApp", "POST", WebhookCalls.FORM, WHATSAPP, Signature.VALID, 1, false,
                        200, EMPTY_TWIML, List.of(whatsapp)),
                new Case("form content type with charset", "POST", "application/x-www-form-urlencoded; charset=UTF-8",
                        SMS, Signature.VALID, 1, false, 200, EMPTY_TWIML, List.of(sms)),
                new Case("forged signature", "POST", WebhookCalls.FORM, SMS, Signature.FORGED, 1, false,
                        403, "bad signature", List.of()),
                new Case("missing signature", "POST", WebhookCalls.FORM, SMS, Signature.MISSING, 1, false,
                        403, "bad signature", List.of()),
                new Case("signature for another URL", "POST", WebhookCalls.FORM, SMS, Signature.OTHER_URL, 1, false,
                        403, "bad signature", List.of()),
                new Case("body changed after signing", "POST", WebhookCalls.FORM, SMS, Signature.ARBITRARY, 1, false,
                        403, "bad signature", List.of()),
                new Case("replayed valid request", "POST", WebhookCalls.FORM, SMS, Signature.VALID, 2, false,
                        200, EMPTY_TWIML, List.of(sms, sms)),
                new Case("malformed form encoding", "POST", WebhookCalls.FORM, SMS.replace("%E5%88%B0", "%E5%8"),
                        Signature.ARBITRARY, 1, false, 400, "malformed form body: bad %-escape", List.of()),
                new Case("body that is not UTF-8", "POST", WebhookCalls.FORM, SMS.replace("%E5%88%B0", "%B0%E5"),
                        Signature.ARBITRARY, 1, false, 400, "malformed form body: not UTF-8", List.of()),
                new Case("missing From", "POST", WebhookCalls.FORM, SMS.replace("&From=%2B8613912345678", ""),
                        Signature.VALID, 1, false, 400, "missing From", List.of()),
                new Case("From not a phone", "POST", WebhookCalls.FORM,
                        SMS.replace("From=%2B8613912345678", "From=not-a-phone"), Signature.VALID, 1, false,
                        400, "From is neither an E.164 number nor whatsapp:+E.164", List.of()),
                new Case("From a local number without +86", "POST", WebhookCalls.FORM,
                        SMS.replace("From=%2B8613912345678", "From=13912345678"), Signature.VALID, 1, false,
                        400, "From is neither an E.164 number nor whatsapp:+E.164", List.of()),
                new Case("no MessageSid under any name", "POST", WebhookCalls.FORM, withoutSids(SMS), Signature.VALID,
                        1, false, 400, "missing MessageSid", List.of()),
                new Case("only SmsSid names the message", "POST", WebhookCalls.FORM,
                        withoutSids(SMS) + "&SmsSid=" + Fixtures.INBOUND_SMS_SID, Signature.VALID, 1, false,
                        200, EMPTY_TWIML, List.of(sms)),
                new Case("empty Body", "POST", WebhookCalls.FORM, SMS.replace("Body=%E5%88%B0+3+5+7", "Body="),
                        Signature.VALID, 1, false, 200, EMPTY_TWIML,
                        List.of(message(Fixtures.INBOUND_SMS_SID, Fixtures.PARENT_NUMBER, ""))),
                new Case("GET", "GET", null, "", Signature.VALID, 1, false,
                        405, "method not allowed: use POST", List.of()),
                new Case("JSON content type", "POST", "application/json", "{\"Body\":\"到\"}", Signature.VALID_URL_ONLY, 1,
                        false, 415, "expected application/x-www-form-urlencoded (UTF-8)", List.of()),
                new Case("form in another charset", "POST", "application/x-www-form-urlencoded; charset=GBK", SMS,
                        Signature.VALID_URL_ONLY, 1, false, 415, "expected application/x-www-form-urlencoded (UTF-8)",
                        List.of()),
                new Case("sink throws", "POST", WebhookCalls.FORM, SMS, Signature.VALID, 1, true,
                        500, "try again", List.of(sms)),
                new Case("1,600-character Chinese body", "POST", WebhookCalls.FORM,
                        SMS.replace("Body=%E5%88%B0+3+5+7", "Body=" + URLEncoder.encode(LONG_CHINESE, StandardCharsets.UTF_8)),
                        Signature.VALID, 1, false, 200, EMPTY_TWIML,
                        List.of(message(Fixtures.INBOUND_SMS_SID, Fixtures.PARENT_NUMBER, LONG_CHINESE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersTwilioAndHandsOnVerifiedMessages(Case c) throws Exception {
        RecordingSink sink = new RecordingSink(c.sinkFails());
        TwilioInboundEndpoint endpoint = new TwilioInboundEndpoint(Fixtures.settings(), sink, Fixtures.CLOCK);

        List<HttpReply> replies = new ArrayList<>();
        for (int i = 0; i < c.times(); i++) {
            replies.add(endpoint.handle(call(c)));
        }

        for (HttpReply reply : replies) {
            assertAll(c.name(),
                    () -> assertEquals(c.status(), reply.status(), "status"),
                    () -> assertEquals(c.body(), new String(reply.body(), StandardCharsets.UTF_8), "body"),
                    () -> assertEquals(c.status() == 200 ? "text/xml; charset=utf-8" : "text/plain; charset=utf-8",
                            reply.contentType(), "content type"));
        }
        assertEquals(c.sinkGot(), sink.received, "messages handed to the sink");
    }

    @Test
    void aFailingSinkLeavesNoTraceOfTheFailureInTheAnswer() throws Exception {
        InboundSink broken = message -> {
            throw new IllegalStateException("redis down");
        };
        TwilioInboundEndpoint endpoint = new TwilioInboundEndpoint(Fixtures.settings(), broken, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(WebhookCalls.signedForm(PATH, SMS));

        String body = new String(reply.body(), StandardCharsets.UTF_8);
        assertEquals(500, reply.status());
        assertFalse(body.contains("redis") || body.contains("Exception") || body.contains("\tat "), body);
    }

    private static HttpCall call(Case c) {
        return WebhookCalls.call(c.method(), PATH, c.contentType(), signature(c), c.form());
    }

    private static String signature(Case c) {
        String ourUrl = Fixtures.PUBLIC_URL + PATH;
        return switch (c.signature()) {
            case VALID -> WebhookSigner.sign(Fixtures.AUTH_TOKEN, ourUrl, WebhookSigner.fields(c.form()));
            case VALID_URL_ONLY -> WebhookSigner.sign(Fixtures.AUTH_TOKEN, ourUrl, Map.of());
            case FORGED -> WebhookSigner.sign("someone-elses-token-0123456789ab", ourUrl, WebhookSigner.fields(c.form()));
            case MISSING -> null;
            case OTHER_URL -> WebhookSigner.sign(Fixtures.AUTH_TOKEN, "https://evil.example.com" + PATH,
                    WebhookSigner.fields(c.form()));
            case ARBITRARY -> WebhookSigner.sign(Fixtures.AUTH_TOKEN, ourUrl, Map.of("Body", "something else"));
        };
    }

    private static InboundMessage message(String sid, String from, String body) {
        return new InboundMessage("twilio", sid, new Address(from), body, Fixtures.NOW);
    }

    private static String withoutSids(String form) {
        return form.replace("SmsMessageSid=" + Fixtures.INBOUND_SMS_SID + "&", "")
                .replace("SmsSid=" + Fixtures.INBOUND_SMS_SID + "&", "")
                .replace("MessageSid=" + Fixtures.INBOUND_SMS_SID + "&", "");
    }

    /** Remembers what it is handed; throws afterwards when told to fail. */
    @Test
    void aMessageAnotherTryIsStillActingOnIsNeverAnswered200() {
        InboundSink busy = message -> {
            throw new InboundInProgressException(message.providerId(), java.time.Duration.ofSeconds(2));
        };
        var endpoint = new TwilioInboundEndpoint(Fixtures.settings(), busy, Fixtures.CLOCK);

        HttpReply reply = endpoint.handle(WebhookCalls.signedForm(PATH, SMS));

        assertEquals(503, reply.status(), "Twilio retries it when the webhook URL asks for 5xx retries (docs/channels/twilio.md)");
    }

    private static final class RecordingSink implements InboundSink {
        private final boolean fails;
        private final List<InboundMessage> received = Collections.synchronizedList(new ArrayList<>());

        RecordingSink(boolean fails) {
            this.fails = fails;
        }

        @Override
        public void accept(InboundMessage message) {
            received.add(message);
            if (fails) {
                throw new IllegalStateException("outbox unavailable");
            }
        }
    }
}
