package org.shouhu.gateway.channel.twilio;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends text through Twilio's Messages API to one address channel: SMS to bare E.164 numbers, or WhatsApp to
 * {@code whatsapp:+…} addresses; from the number a pacer's slot names (one of {@code TWILIO_FROM}), else the first.
 * The request is Twilio's documented form ({@code To}, {@code From} or {@code MessagingServiceSid}, {@code Body},
 * {@code StatusCallback}); of the answer only {@code sid} and {@code status} are read.
 */
public final class TwilioSender implements ChannelSender {

    /** The WhatsApp channel (addresses like {@code whatsapp:+8613912345678}). */
    public static final String WHATSAPP = "whatsapp";

    private static final Logger log = LoggerFactory.getLogger(TwilioSender.class);
    private static final Set<String> CHANNELS = Set.of(Address.SMS, WHATSAPP);
    private static final JsonFactory JSON = new JsonFactory();

    private final String channel;
    private final TwilioSettings settings;
    /** {@code TWILIO_FROM} as a list, split once: every message asks it. */
    private final List<String> numbers;
    private final TwilioApiClient api;
    private final URI messages;
    private final String authorization;
    private final TwilioFailureClassifier classifier = new TwilioFailureClassifier();
    private final Clock clock;

    /** A sender over {@code api}; {@code channel} is {@code sms} or {@code whatsapp}. */
    public TwilioSender(String channel, TwilioSettings settings, TwilioApiClient api) {
        this(channel, settings, api, Clock.systemUTC());
    }

    /** As above, with the clock that dates a {@code Retry-After} header. */
    public TwilioSender(String channel, TwilioSettings settings, TwilioApiClient api, Clock clock) {
        if (!CHANNELS.contains(channel)) {
            throw new IllegalArgumentException("Twilio sends sms or whatsapp, not " + channel);
        }
        if (!settings.canSend()) {
            throw new IllegalArgumentException("Twilio needs a from number or a messaging service to send");
        }
        this.channel = channel;
        this.settings = settings;
        this.numbers = settings.numbers();
        this.api = api;
        this.clock = clock;
        this.messages = api.uri("/2010-04-01/Accounts/" + settings.accountSid() + "/Messages.json");
        this.authorization = TwilioApiClient.basicAuth(settings.accountSid(), settings.authToken());
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        return send(to, text, messageId, null);
    }

    /** From the slot's number when it is one of ours; a messaging service picks its own sender. */
    @Override
    public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        String number = slot.sender();
        if (number != null && !numbers.contains(number)) {
            log.warn("a slot named {}, which is not one of TWILIO_FROM: message {} goes from the first number",
                    number, message.id());
            number = null;
        }
        return send(message.to(), message.text(), message.id(), number);
    }

    private SendReceipt send(Address to, String text, String messageId, String number) throws SendFailedException {
        if (!channel.equals(to.channel())) {
            throw SendFailedException.permanent("wrong-channel", "the " + channel + " sender cannot reach a "
                    + to.channel() + " address");
        }
        TwilioApiClient.Answer answer;
        try {
            answer = api.postForm(messages, authorization, form(to, text, messageId, number));
        } catch (IOException e) {
            throw failed(messageId, to, classifier.unreachable(e));
        }
        SendReceipt receipt = answer.ok() ? receipt(answer.body()) : null;
        if (receipt == null) {
            throw failed(messageId, to, classifier.refused(answer, clock.instant()));
        }
        log.info("Twilio took message {} for {} as {} ({})", messageId, to.masked(), receipt.providerId(),
                receipt.status().word());
        return receipt;
    }

    private static SendFailedException failed(String messageId, Address to, SendFailedException failure) {
        log.warn("Twilio did not take message {} for {}: {} ({}{})", messageId, to.masked(), failure.code(),
                failure.isTransient() ? "will retry" : "permanent",
                failure.recipientOptedOut() ? ", recipient opted out" : "");
        return failure;
    }

    private List<NameValuePair> form(Address to, String text, String messageId, String number) {
        NameValuePair sender = settings.messagingServiceSid() != null
                ? new BasicNameValuePair("MessagingServiceSid", settings.messagingServiceSid())
                : new BasicNameValuePair("From", senderAddress(number));
        return List.of(new BasicNameValuePair("To", to.value()), sender, new BasicNameValuePair("Body", text),
                new BasicNameValuePair("StatusCallback", settings.statusCallbackUrl(messageId)));
    }

    /**
     * The message Twilio took, or null when the 2xx answer has no readable {@code sid}. Read as a stream, for
     * {@code sid} and {@code status} only: Twilio's Message resource has some thirty fields.
     */
    private static SendReceipt receipt(String body) {
        String sid = null;
        String status = null;
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = json.nextToken(); t == JsonToken.FIELD_NAME && (sid == null || status == null); t = json.nextToken()) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (value == JsonToken.VALUE_STRING && field.equals("sid")) {
                    sid = json.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("status")) {
                    status = json.getText();
                } else {
                    json.skipChildren();
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (sid == null) {
            return null;
        }
        DeliveryStatus delivery = status == null ? DeliveryStatus.QUEUED
                : DeliveryStatus.fromProvider(status).orElse(DeliveryStatus.QUEUED);
        return new SendReceipt(sid, delivery);
    }

    /** Our number ({@code number}, or the first) as this channel writes it: {@code +1…} for SMS, {@code whatsapp:+1…} for WhatsApp. */
    private String senderAddress(String number) {
        String from = number != null ? number : numbers.get(0);
        boolean prefixed = from.startsWith(WHATSAPP + ":");
        return WHATSAPP.equals(channel) && !prefixed ? WHATSAPP + ":" + from : from;
    }
}
