/**
 * Twilio as a channel: SMS and WhatsApp out through Twilio's Messages API, messages and delivery reports in through
 * its webhooks.
 *
 * <ul>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioSettings} — account, sender, and the two base URLs: Twilio's
 *       API (a local stub in tests and the demo) and ours, which Twilio calls and signs.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioSender} — a {@code ChannelSender} for {@code sms} or
 *       {@code whatsapp} addresses; it sorts Twilio's refusals into transient (the outbox retries) and permanent
 *       (the message fails; 21610 also opts the number out).</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioApiClient} — the HTTP client under the SDK: sends to the
 *       configured base URL, once per call (no SDK retries), with 5 s / 10 s timeouts.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioInboundEndpoint} ({@code POST /twilio/sms}) and
 *       {@link org.shouhu.gateway.channel.twilio.TwilioStatusEndpoint} ({@code POST /twilio/status}) — the
 *       webhooks; both refuse calls without a valid
 *       {@link org.shouhu.gateway.channel.twilio.TwilioSignatureCheck Twilio signature}.</li>
 * </ul>
 *
 * <p>Logs show numbers masked and never a message's text.
 */
package org.shouhu.gateway.channel.twilio;
