package org.shouhu.gateway.channel.twilio;

import java.time.Clock;
import java.util.Optional;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.DeliveryReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twilio's StatusCallback ({@code POST /twilio/status?m={our message id}}): verifies the call and records the
 * delivery status it reports on a message we sent. Each message is sent with its own callback URL naming our
 * id, so the report finds its message directly.
 *
 * <p>A report on a message we do not know (or that names none) is still answered 200, so Twilio does not keep
 * retrying it.
 */
public final class TwilioStatusEndpoint implements HttpEndpoint {

    /** Where Twilio posts delivery reports. */
    public static final String PATH = "/twilio/status";
    /** The query parameter that names our message id in the callback URL. */
    public static final String MESSAGE_PARAM = "m";

    private static final Logger log = LoggerFactory.getLogger(TwilioStatusEndpoint.class);

    private final TwilioWebhookGate gate;
    private final DeliveryReports reports;
    private final Clock clock;

    public TwilioStatusEndpoint(TwilioSettings settings, DeliveryReports reports, Clock clock) {
        this(new TwilioSignatureCheck(settings), reports, clock);
    }

    public TwilioStatusEndpoint(TwilioSignatureCheck signatures, DeliveryReports reports, Clock clock) {
        this.gate = new TwilioWebhookGate(signatures);
        this.reports = reports;
        this.clock = clock;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        TwilioWebhookGate.Admission admission = gate.admit(call);
        if (admission.isRefused()) {
            return admission.refusal();
        }
        FormBody form = admission.form();
        String messageSid = form.firstPresent("MessageSid", "SmsSid");
        String word = form.firstPresent("MessageStatus", "SmsStatus");
        if (messageSid == null) {
            return HttpReply.text(400, "missing MessageSid");
        }
        if (word == null) {
            return HttpReply.text(400, "missing MessageStatus");
        }
        Optional<DeliveryStatus> status = DeliveryStatus.fromProvider(word.strip());
        if (status.isEmpty()) {
            return HttpReply.text(400, "unknown MessageStatus: " + word.strip());
        }
        String errorCode = form.firstPresent("ErrorCode");
        DeliveryReport report = new DeliveryReport(call.queryParam(MESSAGE_PARAM), messageSid, status.get(),
                errorCode == null ? null : errorCode.strip(), clock.instant());
        record(report);
        return HttpReply.text(200, "ok");
    }

    private void record(DeliveryReport report) {
        if (reports.record(report)) {
            log.info("Twilio reports {} {}{}", report.providerId(), report.status().word(),
                    report.errorCode() == null ? "" : " (error " + report.errorCode() + ")");
        } else {
            log.warn("Twilio reports {} {} on a message we do not know (ours: {}); ignored", report.providerId(),
                    report.status().word(), report.messageId());
        }
    }
}
