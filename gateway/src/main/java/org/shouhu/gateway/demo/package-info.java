/**
 * The demo: {@link org.shouhu.gateway.demo.Demo} plays a care-site day against a real gateway
 * node, with {@link org.shouhu.gateway.demo.SimulatedProvider} standing in for Twilio's REST API,
 * Telegram's Bot API and Aliyun's SendSms, {@link org.shouhu.gateway.demo.TwilioWebhooks} for Twilio's
 * signed webhooks and {@link org.shouhu.gateway.demo.AliyunPushes} for Aliyun's SmsUp and SmsReport
 * pushes; only the demo's Aliyun grandmother is routed through Aliyun.
 */
package org.shouhu.gateway.demo;
