package org.shouhu.gateway.channel.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import org.shouhu.gateway.http.HttpCall;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.routes.port.DeliveryReports;
import org.shouhu.routes.port.InboundSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aliyun's HTTP pushes ({@code POST /aliyun/sms-up/{token}}: replies, SmsUp; {@code POST /aliyun/sms-report/{token}}:
 * delivery reports, SmsReport), which Aliyun does not sign: a path whose last segment is not
 * {@code ALIYUN_PUSH_TOKEN} is 404 like any unknown path, a caller outside {@code ALIYUN_PUSH_ALLOW} (when set) 403,
 * another method than POST 405; the rest is {@link SmsUpPush}'s and {@link SmsReportPush}'s. The token is never
 * logged.
 */
public final class AliyunPushEndpoint implements HttpEndpoint {

    /** What the gateway serves this endpoint under. */
    public static final String PREFIX = "/aliyun/";
    /** Replies (上行) push: {@code /aliyun/sms-up/{ALIYUN_PUSH_TOKEN}}. */
    public static final String SMS_UP = PREFIX + "sms-up/";
    /** Delivery reports (状态报告) push: {@code /aliyun/sms-report/{ALIYUN_PUSH_TOKEN}}. */
    public static final String SMS_REPORT = PREFIX + "sms-report/";

    private static final Logger log = LoggerFactory.getLogger(AliyunPushEndpoint.class);

    private final AliyunSettings settings;
    private final byte[] token;
    private final SmsUpPush up;
    private final SmsReportPush report;

    /** Replies go to {@code inbound}, delivery reports to {@code reports}; {@code clock} dates what comes in. */
    public AliyunPushEndpoint(AliyunSettings settings, InboundSink inbound, DeliveryReports reports, Clock clock) {
        this.settings = settings;
        this.token = settings.pushToken().getBytes(StandardCharsets.UTF_8);
        this.up = new SmsUpPush(inbound, clock);
        this.report = new SmsReportPush(reports, clock);
    }

    @Override
    public HttpReply handle(HttpCall call) {
        String path = call.path();
        boolean isUp = path.startsWith(SMS_UP);
        boolean isReport = path.startsWith(SMS_REPORT);
        String given = isUp ? path.substring(SMS_UP.length()) : isReport ? path.substring(SMS_REPORT.length()) : null;
        if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            log.warn("Refused an Aliyun push to {}: not our push token", isUp ? SMS_UP + "…" : isReport ? SMS_REPORT + "…" : PREFIX + "…");
            return HttpReply.text(404, "not found");
        }
        String name = isUp ? "SmsUp" : "SmsReport";
        if (!settings.allows(call.peer())) {
            log.warn("Refused an Aliyun {} push from {}: not in ALIYUN_PUSH_ALLOW", name, call.peer());
            return HttpReply.text(403, "this address may not push");
        }
        if (!"POST".equals(call.method())) {
            return HttpReply.text(405, "method not allowed: use POST");
        }
        return isUp ? up.handle(call.bodyText()) : report.handle(call.bodyText());
    }

    /** The answer Aliyun wants once a push is taken: HTTP 200 with code 0, else it retries after 1, 5 and 10 min. */
    static HttpReply taken() {
        return HttpReply.json(200, "{\"code\":0,\"msg\":\"接收成功\"}");
    }
}
