/**
 * Aliyun SMS (阿里云短信服务) as the {@code sms} channel's provider for mainland mobile numbers: two-way SMS for
 * grandparents in China, which Twilio cannot offer there. Messages go out as approved templates (模板) under an
 * approved signature (签名); replies and delivery reports come in through Aliyun's HTTP pushes.
 *
 * <ul>
 *   <li>{@link org.shouhu.gateway.channel.aliyun.AliyunSettings} — access key, signature, every message kind's
 *       TemplateCode (a node refuses to start while one is missing), the API endpoint (a local stub in tests and the
 *       demo), the push token and the optional allow-list of push sources.</li>
 *   <li>{@link org.shouhu.gateway.channel.aliyun.AliyunSender} — SendSms through the official SDK
 *       ({@code com.aliyun:dysmsapi20170525}): TemplateCode and TemplateParam from the message's kind and values
 *       (exactly the variables of the kind's SMS template, {@code TemplateVariables}), SignName, OutId = our message
 *       id; one call per try, 5 s / 10 s timeouts. {@code AliyunFailureClassifier}
 *       sorts refusals as the Twilio channel does: per-recipient flow control waits, throttling is a throttle, invalid
 *       numbers and template or signature errors are permanent, 5xx and I/O are retried.</li>
 *   <li>{@link org.shouhu.gateway.channel.aliyun.MainlandSmsRouting} — the {@code sms} channel's sender when Aliyun is
 *       configured: {@code +86 1…} through Aliyun, every other number through Twilio, on the channel's shared lanes
 *       and pacer.</li>
 *   <li>{@link org.shouhu.gateway.channel.aliyun.AliyunPushEndpoint} — {@code POST /aliyun/sms-up/{token}} (replies,
 *       {@code SmsUpPush}: each item acted on once per {@code sequence_id} before the 200) and
 *       {@code POST /aliyun/sms-report/{token}} (delivery reports, {@code SmsReportPush}: matched by {@code out_id},
 *       status only forward). The pushes are unsigned: the long path token and an optional source allow-list keep
 *       others out.</li>
 * </ul>
 *
 * <p>Logs show numbers masked, never a message's text, the access key secret or the push token. Registering the
 * signature, the templates and the push URLs with Aliyun: {@code docs/channels/aliyun.md}.
 */
package org.shouhu.gateway.channel.aliyun;
