package org.shouhu.gateway.channel.twilio;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.care.EscalationLadders;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.SafetyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio Voice's two webhooks for the calls {@link TwilioVoiceSender} places, each signed and checked
 * like every Twilio webhook ({@link TwilioWebhookGate}) and naming our message id ({@code ?m=}):
 * {@code POST /twilio/voice/gather} takes the key the guardian pressed to the same path as the
 * guardian's SMS digit about that child (acted on once per {@code CallSid}) and answers TwiML that
 * says it was heard; {@code POST /twilio/voice/status} records how the call ended on its ladder.
 */
public final class TwilioVoiceEndpoints {

    /** Where Twilio posts the key pressed in a call. */
    public static final String GATHER_PATH = "/twilio/voice/gather";
    /** Where Twilio posts how a call ended. */
    public static final String STATUS_PATH = "/twilio/voice/status";
    /** The query parameter naming our message id. */
    public static final String MESSAGE_PARAM = "m";

    private static final Logger log = LoggerFactory.getLogger(TwilioVoiceEndpoints.class);

    /** What the guardian hears after each key: what the SMS reply says, short. */
    static final Map<String, String> HEARD = Map.of(
            "1", "收到，已经告诉托管点。谢谢您。再见。",
            "2", "收到，已经记下今天不来。谢谢您。再见。",
            "3", "收到，托管点会安排志愿者护送回家。谢谢您。再见。");
    /** Said for a key that is not on the menu. */
    static final String NOT_ON_MENU = "没有这个选项。托管点会再和您联系。再见。";

    /** How a call ended, as Twilio's {@code CallStatus} says, to the word its ladder records. */
    private static final Map<String, String> OUTCOMES = Map.of("completed", "answered", "no-answer", "no-answer",
            "busy", "busy", "failed", "failed", "canceled", "canceled");
    private static final Set<String> UNDER_WAY = Set.of("queued", "initiated", "ringing", "in-progress");

    private final TwilioWebhookGate gate;
    private final InboundSink sink;
    private final MessageStore messages;
    private final SafetyStore safety;
    private final Clock clock;

    public TwilioVoiceEndpoints(TwilioSettings settings, InboundSink sink, MessageStore messages, SafetyStore safety,
                                Clock clock) {
        this.gate = new TwilioWebhookGate(new TwilioSignatureCheck(settings));
        this.sink = sink;
        this.messages = messages;
        this.safety = safety;
        this.clock = clock;
    }

    /** {@code POST /twilio/voice/gather?m=…}. */
    public HttpEndpoint gather() {
        return this::onGather;
    }

    /** {@code POST /twilio/voice/status?m=…}. */
    public HttpEndpoint status() {
        return this::onStatus;
    }

    private HttpReply onGather(HttpCall call) {
        TwilioWebhookGate.Admission admission = gate.admit(call);
        if (admission.isRefused()) {
            return admission.refusal();
        }
        FormBody form = admission.form();
        String callSid = form.firstPresent("CallSid");
        String messageId = call.queryParam(MESSAGE_PARAM);
        if (callSid == null || callSid.isBlank()) {
            return HttpReply.text(400, "missing CallSid");
        }
        if (messageId == null || messageId.isBlank()) {
            return HttpReply.text(400, "missing " + MESSAGE_PARAM);
        }
        String digits = form.firstPresent("Digits");
        digits = digits == null ? "" : digits.strip();
        Optional<StoredMessage> message = messages.load(messageId).filter(m -> !m.isReportOnly()
                && Address.VOICE.equals(m.to().channel()));
        if (message.isEmpty()) {
            log.warn("Twilio Voice posted key {} of call {} for message {}, which is no call of ours", digits, callSid, messageId);
            return HttpReply.xml(200, VoiceTwiml.answer(VoiceTwiml.NO_DIGIT));
        }
        StoredMessage m = message.get();
        if (!VoiceTwiml.keys(m.template()).contains(digits)) { // 3 after a no-show would ask to escort a child not there
            return HttpReply.xml(200, VoiceTwiml.answer(NOT_ON_MENU));
        }
        String ladder = m.params().get(EscalationLadders.LADDER_PARAM);
        String child = m.params().get("child");
        if (ladder != null) {
            safety.noteOnLadder(ladder, callSid + ":pressed-" + digits,
                    Ladder.entry(EscalationLadders.CALL + ":pressed-" + digits, clock.instant()));
        }
        // the guardian's SMS digit about this child: 1 closes the alert, 2 and 3 name the child
        String body = digits.equals("1") || child == null ? digits : digits + " " + child;
        Address phone = new Address(m.to().id());
        InboundMessage inbound = new InboundMessage(TwilioInboundEndpoint.CHANNEL, callSid, phone, body, clock.instant());
        try {
            sink.accept(inbound);
        } catch (InboundInProgressException busy) { // an earlier try of this key is at work and acts on it
            return HttpReply.xml(200, VoiceTwiml.answer(HEARD.get(digits)));
        } catch (RuntimeException e) {
            // Twilio does not post a gather again (an error status would play its English error message):
            // the ladder goes on to the captain on time, as for a call nobody answered
            log.error("Could not act on key {} of call {} from {}: {}", digits, callSid, phone.masked(), e.toString());
            return HttpReply.xml(200, VoiceTwiml.answer(VoiceTwiml.NO_DIGIT_LATER));
        }
        log.info("Took key {} of call {} from {} (message {})", digits, callSid, phone.masked(), messageId);
        return HttpReply.xml(200, VoiceTwiml.answer(HEARD.get(digits)));
    }

    private HttpReply onStatus(HttpCall call) {
        TwilioWebhookGate.Admission admission = gate.admit(call);
        if (admission.isRefused()) {
            return admission.refusal();
        }
        FormBody form = admission.form();
        String callSid = form.firstPresent("CallSid");
        String status = form.firstPresent("CallStatus");
        if (callSid == null || callSid.isBlank()) {
            return HttpReply.text(400, "missing CallSid");
        }
        if (status == null || !(OUTCOMES.containsKey(status.strip()) || UNDER_WAY.contains(status.strip()))) {
            return HttpReply.text(400, "missing or unknown CallStatus");
        }
        String outcome = OUTCOMES.get(status.strip());
        String messageId = call.queryParam(MESSAGE_PARAM);
        if (outcome == null || messageId == null) {
            return HttpReply.text(200, "ok");
        }
        Optional<String> ladder = messages.load(messageId).filter(m -> !m.isReportOnly())
                .map(m -> m.params().get(EscalationLadders.LADDER_PARAM));
        if (ladder.isPresent() && ladder.get() != null) {
            safety.noteOnLadder(ladder.get(), callSid + ":" + outcome,
                    Ladder.entry(EscalationLadders.CALL + ":" + outcome, clock.instant()));
            log.info("call {} of message {}: {}", callSid, messageId, outcome);
        } else {
            log.warn("Twilio Voice reports call {} {} for message {}, which is no call of ours; ignored", callSid, status, messageId);
        }
        return HttpReply.text(200, "ok");
    }
}
