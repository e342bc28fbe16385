package org.shouhu.gateway.channel.twilio;

import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import java.net.URI;
import java.time.Clock;
import java.util.Set;
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
 */
public final class TwilioSender implements ChannelSender {

    /** The WhatsApp channel (addresses like {@code whatsapp:+8613912345678}). */
    public static final String WHATSAPP = "whatsapp";

    private static final Logger log = LoggerFactory.getLogger(TwilioSender.class);
    private static final Set<String> CHANNELS = Set.of(Address.SMS, WHATSAPP);

    private final String channel;
    private final TwilioSettings settings;
    private final TwilioApiClient api;
    private final TwilioRestClient rest;
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
        this.api = api;
        this.clock = clock;
        this.rest = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken()).httpClient(api).build();
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
        if (number != null && !settings.numbers().contains(number)) {
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
        api.forgetLastExchange();
        try {
            Message message = creator(to, text, messageId, number).create(rest);
            SendReceipt receipt = new SendReceipt(message.getSid(), statusOf(message));
            log.info("Twilio took message {} for {} as {} ({})", messageId, to.masked(), receipt.providerId(),
                    receipt.status().word());
            return receipt;
        } catch (TwilioException e) {
            SendFailedException failure = classifier.classify(e, api.getLastResponse(), clock.instant());
            log.warn("Twilio refused message {} for {}: {} ({}{})", messageId, to.masked(), failure.code(),
                    failure.isTransient() ? "will retry" : "permanent",
                    failure.recipientOptedOut() ? ", recipient opted out" : "");
            throw failure;
        }
    }

    private MessageCreator creator(Address to, String text, String messageId, String number) {
        PhoneNumber recipient = new PhoneNumber(to.value());
        MessageCreator creator = settings.messagingServiceSid() != null
                ? Message.creator(recipient, settings.messagingServiceSid(), text)
                : Message.creator(recipient, new PhoneNumber(senderAddress(number)), text);
        return creator.setStatusCallback(URI.create(settings.statusCallbackUrl(messageId)));
    }

    /** Our number ({@code number}, or the first) as this channel writes it: {@code +1…} for SMS, {@code whatsapp:+1…} for WhatsApp. */
    private String senderAddress(String number) {
        String from = number != null ? number : settings.numbers().get(0);
        boolean prefixed = from.startsWith(WHATSAPP + ":");
        return WHATSAPP.equals(channel) && !prefixed ? WHATSAPP + ":" + from : from;
    }

    private static DeliveryStatus statusOf(Message message) {
        if (message.getStatus() == null) {
            return DeliveryStatus.QUEUED;
        }
        return DeliveryStatus.fromProvider(message.getStatus().toString()).orElse(DeliveryStatus.QUEUED);
    }
}
