package org.shouhu.gateway.channel.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SmsUp push (上行): a JSON array of replies
 * {@code [{"phone_number":"13912345678","content":"2","send_time":"…","dest_code":"…","sequence_id":1234567890}]},
 * each handed to the {@link InboundSink} as channel {@value #CHANNEL} with its {@code sequence_id} as the provider
 * id, so a reply Aliyun pushes again (a retry, a duplicate) is acted on once.
 *
 * <p>It answers 200 {@code {"code":0,…}} only once every good item has been acted on and its replies are in the
 * outbox, as the Twilio webhook does; an item that cannot be read (no {@code sequence_id}, not a mainland mobile
 * number, no {@code content}) is logged, masked, and skipped, since sending it again would not make it readable. When
 * an item could not be acted on the answer is 500, or 503 while an earlier try of one is still at work: Aliyun pushes
 * the batch again and the items already done are not done twice. A body that is not a JSON array is 400.
 */
final class SmsUpPush {

    /** The channel name replies from Aliyun carry (their claims are {@code sh:once:in:aliyun:{sequence_id}}). */
    static final String CHANNEL = "aliyun";

    private static final Logger log = LoggerFactory.getLogger(SmsUpPush.class);

    private final InboundSink sink;
    private final Clock clock;

    SmsUpPush(InboundSink sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    HttpReply handle(String body) {
        PushItems.Parsed parsed = PushItems.parse(body);
        if (parsed.refusal() != null) {
            log.warn("Refused an Aliyun SmsUp push: {}", parsed.refusal());
            return HttpReply.text(400, parsed.refusal());
        }
        List<InboundMessage> messages = new ArrayList<>();
        int index = 0;
        for (JsonNode item : parsed.items()) {
            String bad = read(item, messages);
            if (bad != null) {
                log.warn("Skipped item {} of an Aliyun SmsUp push from {}: {}", index, PushItems.maskedPhone(item), bad);
            }
            index++;
        }
        int failed = 0;
        InboundInProgressException busy = null;
        for (InboundMessage message : messages) { // every item is tried: what is done now is not redone on Aliyun's retry
            try {
                sink.accept(message);
                log.info("Took Aliyun reply {} from {}", message.providerId(), message.from().masked());
            } catch (InboundInProgressException e) {
                busy = e;
                log.warn("Aliyun reply {} from {} is still being acted on by another try", message.providerId(),
                        message.from().masked());
            } catch (RuntimeException e) {
                failed++;
                log.error("Could not act on Aliyun reply {} from {}: {}: {}", message.providerId(), message.from().masked(),
                        e.getClass().getName(), e.getMessage());
            }
        }
        if (failed > 0) {
            return HttpReply.text(500, "try again: " + failed + " of " + messages.size() + " replies were not taken");
        }
        if (busy != null) {
            return HttpReply.unavailable((int) Math.max(1, busy.retryAfter().toSeconds()),
                    "busy: an earlier try of a reply is still at work");
        }
        return AliyunPushEndpoint.taken();
    }

    /** Adds the item's message to {@code messages}; returns why it cannot be read, or null. */
    private String read(JsonNode item, List<InboundMessage> messages) {
        if (!item.isObject()) {
            return "not an object";
        }
        String sequence = PushItems.digits(item.get("sequence_id"));
        if (sequence == null) {
            return "no sequence_id";
        }
        Optional<Phone> phone = PushItems.mainlandMobile(item.get("phone_number"));
        if (phone.isEmpty()) {
            return "phone_number is not an 11-digit mainland mobile number";
        }
        JsonNode content = item.get("content");
        if (content == null || !content.isTextual()) {
            return "no content";
        }
        messages.add(new InboundMessage(CHANNEL, sequence, Address.of(phone.get()), content.textValue(), clock.instant()));
        return null;
    }
}
