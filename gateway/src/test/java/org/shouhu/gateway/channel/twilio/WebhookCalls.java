package org.shouhu.gateway.channel.twilio;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpCall;

/** Builds the {@link HttpCall}s the HTTP server would hand a webhook endpoint. */
final class WebhookCalls {

    static final String FORM = "application/x-www-form-urlencoded";

    private WebhookCalls() {
    }

    /** A call with these headers (null values left out) and body; names are lower-cased as the server does. */
    static HttpCall call(String method, String path, String contentType, String signature, String body) {
        Map<String, String> headers = new HashMap<>();
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        if (signature != null) {
            headers.put("x-twilio-signature", signature);
        }
        headers.put("user-agent", "TwilioProxy/1.1");
        return new HttpCall(method, path, Map.<String, List<String>>of(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A form POST that Twilio signed for our public URL and this path. */
    static HttpCall signedForm(String path, String body) {
        String signature = WebhookSigner.sign(Fixtures.AUTH_TOKEN, Fixtures.PUBLIC_URL + path, WebhookSigner.fields(body));
        return call("POST", path, FORM, signature, body);
    }

    /** A form POST to this path with a one-parameter query, signed by Twilio for the whole URL. */
    static HttpCall signedForm(String path, String param, String value, String body) {
        HttpCall plain = signedForm(path + "?" + param + "=" + value, body);
        return new HttpCall(plain.method(), path, Map.of(param, List.of(value)), plain.headers(), plain.body());
    }
}
