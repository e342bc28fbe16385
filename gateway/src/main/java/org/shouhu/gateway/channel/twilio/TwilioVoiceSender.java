package org.shouhu.gateway.channel.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;
import com.twilio.type.Twiml;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
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
 * Places a phone call through Twilio Voice with the SDK's {@code Call.creator(to, from, new Twiml(…))}
 * for each message of the {@code voice} channel ({@code voice:+8613912345678}): the rendered alert
 * said twice, slowly, then one key gathered ({@link VoiceTwiml}); the key goes to
 * {@code /twilio/voice/gather?m={message id}}, the call's end to {@code /twilio/voice/status?m=…}.
 * Twilio's refusals are classified as its Messages API's are.
 */
public final class TwilioVoiceSender implements ChannelSender {

    private static final Logger log = LoggerFactory.getLogger(TwilioVoiceSender.class);

    private final TwilioSettings settings;
    private final List<String> numbers;
    private final TwilioSdkBridge http;
    private final TwilioRestClient rest;
    private final TwilioFailureClassifier classifier = new TwilioFailureClassifier();
    private final Clock clock;

    /**
     * @param numbers the numbers calls come from (a pacer's slot picks one; the first otherwise): Twilio
     *                numbers able to call the recipients' country
     */
    public TwilioVoiceSender(TwilioSettings settings, List<String> numbers, TwilioApiClient api, Clock clock) {
        if (numbers.isEmpty()) {
            throw new IllegalArgumentException("Twilio Voice needs a number to call from (TWILIO_VOICE_FROM or TWILIO_FROM)");
        }
        this.settings = settings;
        this.numbers = List.copyOf(numbers);
        this.clock = clock;
        this.http = new TwilioSdkBridge(api, settings.accountSid(), settings.authToken());
        this.rest = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken()).httpClient(http).build();
    }

    @Override
    public String channel() {
        return Address.VOICE;
    }

    /** Needs the template (the menu follows the alert's kind): only the whole message is sent. */
    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        throw SendFailedException.permanent("no-template", "a voice call needs its message's template");
    }

    @Override
    public SendReceipt send(RenderedMessage message) throws SendFailedException {
        return send(message, new Pacer.Slot(null, java.time.Instant.MIN));
    }

    @Override
    public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        Address to = message.to();
        if (!Address.VOICE.equals(to.channel())) {
            throw SendFailedException.permanent("wrong-channel", "the voice sender cannot reach a " + to.channel() + " address");
        }
        String from = slot.sender() != null && numbers.contains(slot.sender()) ? slot.sender() : numbers.get(0);
        String twiml = VoiceTwiml.call(message.text(), message.template(), gatherUrl(settings, message.id()));
        try {
            Call call = Call.creator(new PhoneNumber(to.id()), new PhoneNumber(from), new Twiml(twiml))
                    .setStatusCallback(statusUrl(settings, message.id()))
                    .create(rest);
            log.info("Twilio placed call {} for message {} to {}", call.getSid(), message.id(), to.masked());
            return new SendReceipt(call.getSid(), DeliveryStatus.QUEUED);
        } catch (ApiConnectionException e) {
            IOException io = http.lastFailure();
            throw failed(message.id(), to, classifier.unreachable(io != null ? io : new IOException(e.getMessage(), e)));
        } catch (TwilioException e) {
            TwilioApiClient.Answer answer = http.lastAnswer();
            if (answer == null) {
                throw failed(message.id(), to, SendFailedException.transientFailure("error:" + e.getClass().getSimpleName(),
                        String.valueOf(e.getMessage())));
            }
            throw failed(message.id(), to, classifier.refused(answer, clock.instant()));
        }
    }

    /** Where the key pressed in the call of message {@code messageId} goes. */
    public static String gatherUrl(TwilioSettings settings, String messageId) {
        return settings.publicUrl() + TwilioVoiceEndpoints.GATHER_PATH + "?" + TwilioVoiceEndpoints.MESSAGE_PARAM + "="
                + URLEncoder.encode(messageId, StandardCharsets.UTF_8);
    }

    /** Where Twilio reports how the call of message {@code messageId} ended. */
    public static String statusUrl(TwilioSettings settings, String messageId) {
        return settings.publicUrl() + TwilioVoiceEndpoints.STATUS_PATH + "?" + TwilioVoiceEndpoints.MESSAGE_PARAM + "="
                + URLEncoder.encode(messageId, StandardCharsets.UTF_8);
    }

    private static SendFailedException failed(String messageId, Address to, SendFailedException failure) {
        log.warn("Twilio did not place the call of message {} to {}: {} ({})", messageId, to.masked(), failure.code(),
                failure.isTransient() ? "will retry" : "permanent");
        return failure;
    }
}
