package org.shouhu.gateway.channel.twilio;

import java.time.Clock;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's incoming-message webhook ({@code POST /twilio/sms}): verifies the call, hands the SMS or WhatsApp message
 * to the {@link InboundSink} and answers with empty TwiML, since replies go out through the outbox.
 *
 * <p>Twilio retries a call that fails, so the same {@code MessageSid} can arrive twice; this endpoint passes every
 * verified call on and the sink acts once per provider id. When the sink throws, the answer is 500 so Twilio tries
 * again.
 */
public final class TwilioInboundEndpoint implements HttpEndpoint {

    /** Where Twilio posts incoming messages. */
    public static final String PATH = "/twilio/sms";
    /** The channel name inbound messages from Twilio carry. */
    public static final String CHANNEL = "twilio";
    /** TwiML that tells Twilio to do nothing more. */
    static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    private static final Logger log = LoggerFactory.getLogger(TwilioInboundEndpoint.class);
    private static final String WHATSAPP_PREFIX = "whatsapp:";

    private final TwilioWebhookGate gate;
    private final InboundSink sink;
    private final Clock clock;

    public TwilioInboundEndpoint(TwilioSettings settings, InboundSink sink, Clock clock) {
        this(new TwilioSignatureCheck(settings), sink, clock);
    }

    public TwilioInboundEndpoint(TwilioSignatureCheck signatures, InboundSink sink, Clock clock) {
        this.gate = new TwilioWebhookGate(signatures);
        this.sink = sink;
        this.clock = clock;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        TwilioWebhookGate.Admission admission = gate.admit(call);
        if (admission.isRefused()) {
            return admission.refusal();
        }
        FormBody form = admission.form();
        String messageSid = form.firstPresent("MessageSid", "SmsSid", "SmsMessageSid");
        String from = form.firstPresent("From");
        if (messageSid == null) {
            return HttpReply.text(400, "missing MessageSid");
        }
        if (from == null) {
            return HttpReply.text(400, "missing From");
        }
        if (!isPhoneOrWhatsApp(from.strip())) {
            return HttpReply.text(400, "From is neither an E.164 number nor whatsapp:+E.164");
        }
        InboundMessage message = new InboundMessage(CHANNEL, messageSid, new Address(from.strip()), form.get("Body"),
                clock.instant());
        return deliver(message);
    }

    private HttpReply deliver(InboundMessage message) {
        try {
            sink.accept(message);
        } catch (InboundInProgressException busy) {
            log.warn("Twilio message {} from {} is still being acted on by another try: asking Twilio to retry",
                    message.providerId().replace(message.from().id(), message.from().masked()), message.from().masked());
            return HttpReply.text(503, "busy: an earlier try of this message is still at work, try again in "
                    + busy.retryAfter().toSeconds() + " s");
        } catch (RuntimeException e) {
            log.error("Could not act on Twilio message {} from {}, asking Twilio to retry: {}: {}",
                    message.providerId(), message.from().masked(), e.getClass().getName(), e.getMessage());
            return HttpReply.text(500, "try again");
        }
        log.info("Took Twilio message {} from {}", message.providerId(), message.from().masked());
        return HttpReply.xml(200, EMPTY_TWIML);
    }

    /** {@code +8613912345678} or {@code whatsapp:+8613912345678}, exactly. */
    private static boolean isPhoneOrWhatsApp(String from) {
        String number = from.startsWith(WHATSAPP_PREFIX) ? from.substring(WHATSAPP_PREFIX.length()) : from;
        return Phone.parse(number).filter(phone -> phone.e164().equals(number)).isPresent();
    }
}
