package org.shouhu.gateway.channel.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;

/** The SDK's {@code Call.creator} through our client against a stubbed Twilio Voice API: what is asked for and how refusals are read. */
class TwilioVoiceSenderTest {

    @RegisterExtension
    static final WireMockExtension TWILIO = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final String CALLS = "/2010-04-01/Accounts/" + Fixtures.ACCOUNT_SID + "/Calls.json";
    private static final Address GRANDPA = new Address("voice:" + Fixtures.PARENT_NUMBER);

    private TwilioApiClient api;

    @AfterEach
    void closeClient() throws IOException {
        if (api != null) {
            api.close();
        }
    }

    private TwilioVoiceSender sender() {
        api = new TwilioApiClient(TWILIO.baseUrl());
        return new TwilioVoiceSender(Fixtures.settings(TWILIO.baseUrl()), List.of(Fixtures.OUR_NUMBER, "+15005550007"), api,
                Fixtures.CLOCK);
    }

    private static RenderedMessage call(String id) {
        return new RenderedMessage(StoredMessage.queued(new OutboundMessage(id, GRANDPA, TemplateKey.VOICE_NO_SHOW,
                Map.of(), MessageClass.SAFETY), Fixtures.NOW), "张小刚今天还没有到托管点。", 1);
    }

    private static void answer(int status, String body) {
        TWILIO.stubFor(post(urlEqualTo(CALLS)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void placesTheCallFromTheSlotsNumberWithItsTwimlAndStatusCallback() throws Exception {
        answer(201, "{\"sid\":\"CA0123456789abcdef0123456789abcdef\",\"status\":\"queued\"}");
        SendReceipt receipt = sender().send(call("m-7"), new Pacer.Slot("+15005550007", Instant.MIN));
        assertEquals("CA0123456789abcdef0123456789abcdef", receipt.providerId());
        var request = TWILIO.findAll(postRequestedFor(urlEqualTo(CALLS))).get(0);
        assertTrue(request.getHeader("Authorization").startsWith("Basic "), "the account's credentials");
        Map<String, String> form = WebhookSigner.fields(request.getBodyAsString());
        assertEquals(Fixtures.PARENT_NUMBER, form.get("To"));
        assertEquals("+15005550007", form.get("From"));
        assertEquals(Fixtures.PUBLIC_URL + "/twilio/voice/status?m=m-7", form.get("StatusCallback"));
        assertEquals(VoiceTwiml.call("张小刚今天还没有到托管点。", TemplateKey.VOICE_NO_SHOW,
                Fixtures.PUBLIC_URL + "/twilio/voice/gather?m=m-7"), form.get("Twiml"));
    }

    @Test
    void anInvalidNumberIsPermanentAndAThrottleIsTransient() throws IOException {
        answer(400, "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\",\"status\":400}");
        SendFailedException invalid = assertThrows(SendFailedException.class, () -> sender().send(call("m-8"),
                new Pacer.Slot(null, Instant.MIN)));
        assertFalse(invalid.isTransient(), invalid.code());
        api.close();

        answer(429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}");
        SendFailedException throttled = assertThrows(SendFailedException.class, () -> sender().send(call("m-9"),
                new Pacer.Slot(null, Instant.MIN)));
        assertTrue(throttled.isThrottled(), throttled.code());
    }

    @Test
    void aTwilioThatCannotBeReachedIsTransient() throws Exception {
        api = new TwilioApiClient("http://127.0.0.1:9");
        TwilioVoiceSender sender = new TwilioVoiceSender(Fixtures.settings("http://127.0.0.1:9"), List.of(Fixtures.OUR_NUMBER),
                api, Fixtures.CLOCK);
        SendFailedException down = assertThrows(SendFailedException.class, () -> sender.send(call("m-10"),
                new Pacer.Slot(null, Instant.MIN)));
        assertTrue(down.isTransient(), down.code());
    }

    @Test
    void textsAreEscapedInTheTwiml() {
        String twiml = VoiceTwiml.call("A&B <x>", TemplateKey.VOICE_OVERDUE, "https://gw.example.cn/g?m=1&x=\"2\"");
        assertTrue(twiml.contains("A&amp;B &lt;x&gt;"), twiml);
        assertTrue(twiml.contains("action=\"https://gw.example.cn/g?m=1&amp;x=&quot;2&quot;\""), twiml);
        assertTrue(twiml.contains("马上来接，请按1。请志愿者护送回家，请按3。"), twiml);
    }
}
