package org.shouhu.gateway.channel.aliyun;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.port.DeliveryReport;
import org.shouhu.routes.port.DeliveryReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SmsReport push (状态报告): a JSON array of
 * {@code {"phone_number","send_time","report_time","success","err_code","err_msg","sms_size","biz_id","out_id"}},
 * each recorded as a {@link DeliveryReport} on the message named by {@code out_id} (our message id, sent as
 * {@code OutId} with every SendSms) and accepted under {@code biz_id}: {@code success} true is delivered, false
 * undelivered with {@code err_code}; a status never moves back. An item we cannot read or whose message we do not know
 * is logged and skipped; only a failure to record (Redis away) answers 500, so Aliyun pushes the batch again.
 */
final class SmsReportPush {

    private static final Logger log = LoggerFactory.getLogger(SmsReportPush.class);

    private final DeliveryReports reports;
    private final Clock clock;

    SmsReportPush(DeliveryReports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    HttpReply handle(String body) {
        PushItems.Parsed parsed = PushItems.parse(body);
        if (parsed.refusal() != null) {
            log.warn("Refused an Aliyun SmsReport push: {}", parsed.refusal());
            return HttpReply.text(400, parsed.refusal());
        }
        int failed = 0;
        for (JsonNode item : parsed.items()) {
            DeliveryReport report = read(item);
            if (report == null) {
                log.warn("Skipped an item of an Aliyun SmsReport push for {}: no out_id, biz_id or success",
                        PushItems.maskedPhone(item));
                continue;
            }
            try {
                if (reports.record(report)) {
                    log.info("Aliyun reports {} {} for message {}{}", report.providerId(), report.status().word(),
                            report.messageId(), report.errorCode() == null ? "" : " (error " + report.errorCode() + ")");
                } else {
                    log.warn("Aliyun reports {} {} on a message we do not know (ours: {}); ignored", report.providerId(),
                            report.status().word(), report.messageId());
                }
            } catch (RuntimeException e) {
                failed++;
                log.error("Could not record Aliyun's report {} on message {}: {}", report.providerId(), report.messageId(),
                        e.toString());
            }
        }
        return failed > 0 ? HttpReply.text(500, "try again: " + failed + " reports were not recorded") : AliyunPushEndpoint.taken();
    }

    private DeliveryReport read(JsonNode item) {
        if (!item.isObject()) {
            return null;
        }
        String outId = text(item.get("out_id"));
        String bizId = text(item.get("biz_id"));
        JsonNode success = item.get("success");
        if (outId == null || bizId == null || success == null) {
            return null;
        }
        boolean delivered = success.isBoolean() ? success.booleanValue() : "true".equalsIgnoreCase(success.asText());
        String errCode = text(item.get("err_code"));
        return new DeliveryReport(outId, bizId, delivered ? DeliveryStatus.DELIVERED : DeliveryStatus.UNDELIVERED,
                delivered ? null : errCode, clock.instant());
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }
}
