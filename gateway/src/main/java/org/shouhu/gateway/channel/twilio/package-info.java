/**
 * Twilio as a channel: SMS and WhatsApp out through Twilio's Messages API, messages and delivery reports in through
 * its webhooks; and phone calls to guardians who cannot read through Twilio Voice (docs/channels/voice.md).
 *
 * <ul>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioSettings} — account, sender, and the two base URLs: Twilio's
 *       API (a local stub in tests and the demo) and ours, which Twilio calls and signs.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioSender} — a {@code ChannelSender} for {@code sms} or
 *       {@code whatsapp} addresses; it sorts Twilio's refusals into transient (the outbox retries) and permanent
 *       (the message fails; 21610 also opts the number out).</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioApiClient} — Twilio's REST API over one pooled HTTP client:
 *       a form POST to the configured base URL, once per call (the outbox retries), with 5 s / 10 s timeouts and a
 *       10 s deadline per call. Messages are sent through it rather than the SDK's {@code Message.creator}, which
 *       cost twice the CPU per message; the SDK checks webhook signatures.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioInboundEndpoint} ({@code POST /twilio/sms}) and
 *       {@link org.shouhu.gateway.channel.twilio.TwilioStatusEndpoint} ({@code POST /twilio/status}) — the
 *       webhooks; both refuse calls without a valid
 *       {@link org.shouhu.gateway.channel.twilio.TwilioSignatureCheck Twilio signature}.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioVoiceSender} — the {@code voice} channel
 *       ({@code voice:+86…}): places a call with the SDK's {@code Call.creator} and the
 *       {@link org.shouhu.gateway.channel.twilio.VoiceTwiml TwiML} that says the alert twice, slowly, then gathers
 *       one key; the SDK's requests go through {@code TwilioSdkBridge} to the same API client.</li>
 *   <li>{@link org.shouhu.gateway.channel.twilio.TwilioVoiceEndpoints} ({@code POST /twilio/voice/gather},
 *       {@code POST /twilio/voice/status}) — signed like the others: the key pressed goes into the inbound path as
 *       the guardian's SMS digit about that child (once per CallSid); how the call ended is noted on its ladder.</li>
 * </ul>
 *
 * <p>Logs show numbers masked and never a message's text.
 */
package org.shouhu.gateway.channel.twilio;
