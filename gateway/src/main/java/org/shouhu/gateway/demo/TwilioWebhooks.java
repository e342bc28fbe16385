package org.shouhu.gateway.demo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays Twilio's side of the webhooks in the demo: posts a person's SMS to {@code /twilio/sms}, a
 * delivery report to {@code /twilio/status}, and a key pressed on a voice call and the call's end to
 * {@code /twilio/voice/…}, form-encoded and signed as Twilio signs them.
 */
public final class TwilioWebhooks {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String gatewayUrl;
    private final String publicUrl;
    private final String authToken;
    private final String accountSid;
    private final String ourNumber;
    private final AtomicLong sequence = new AtomicLong();

    public TwilioWebhooks(String gatewayUrl, String publicUrl, String accountSid, String authToken, String ourNumber) {
        this.gatewayUrl = gatewayUrl;
        this.publicUrl = publicUrl;
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.ourNumber = ourNumber;
    }

    /** A person texts the gateway; returns the HTTP status the gateway answered. */
    public int sms(String from, String body) throws IOException, InterruptedException {
        return sms(from, body, String.format("SMin%028d", sequence.incrementAndGet()));
    }

    /** The same, with the provider's message id given: a repeat of a webhook carries the same one. */
    public int sms(String from, String body, String sid) throws IOException, InterruptedException {
        return post("/twilio/sms", Map.of("MessageSid", sid, "SmsSid", sid, "AccountSid", accountSid,
                "From", from, "To", ourNumber, "Body", body, "NumMedia", "0", "NumSegments", "1"));
    }

    /**
     * The provider reports a delivery to the status callback the message was sent with (our public
     * URL, {@code /twilio/status?m=…}).
     */
    public int status(String statusCallback, String messageSid, String to, String status)
            throws IOException, InterruptedException {
        if (!statusCallback.startsWith(publicUrl)) {
            throw new IllegalArgumentException("not a status callback of this gateway: " + statusCallback);
        }
        return post(statusCallback.substring(publicUrl.length()), Map.of("MessageSid", messageSid,
                "MessageStatus", status, "AccountSid", accountSid, "To", to, "From", ourNumber));
    }

    /**
     * The person on a voice call presses a key: Twilio posts it to the call's gather URL (our public
     * URL, {@code /twilio/voice/gather?m=…}); returns the TwiML the gateway answered.
     */
    public String voiceKey(String gatherUrl, String callSid, String to, String digit) throws IOException, InterruptedException {
        return postForBody(gatherUrl.substring(publicUrl.length()), Map.of("CallSid", callSid, "AccountSid", accountSid,
                "From", ourNumber, "To", to, "Digits", digit, "CallStatus", "in-progress"));
    }

    /** Twilio reports how a call ended to its status callback ({@code /twilio/voice/status?m=…}). */
    public int callEnded(String statusCallback, String callSid, String to, String status) throws IOException, InterruptedException {
        return post(statusCallback.substring(publicUrl.length()), Map.of("CallSid", callSid, "AccountSid", accountSid,
                "From", ourNumber, "To", to, "CallStatus", status));
    }

    private String postForBody(String path, Map<String, String> fields) throws IOException, InterruptedException {
        return http.send(request(path, fields), HttpResponse.BodyHandlers.ofString()).body();
    }

    private int post(String path, Map<String, String> fields) throws IOException, InterruptedException {
        return http.send(request(path, fields), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpRequest request(String path, Map<String, String> fields) {
        StringBuilder form = new StringBuilder();
        fields.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(URI.create(gatewayUrl + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", sign(publicUrl + path, fields))
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
                .build();
    }

    private String sign(String url, Map<String, String> fields) {
        return signature(authToken, url, fields);
    }

    /** Twilio's signature: base64(HMAC-SHA1(auth token, url + each param name and value, sorted by name)). */
    public static String signature(String authToken, String url, Map<String, String> fields) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(fields).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JVM", e);
        }
    }
}
