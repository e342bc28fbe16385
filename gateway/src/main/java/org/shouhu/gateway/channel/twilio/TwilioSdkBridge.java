package org.shouhu.gateway.channel.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;

/**
 * The Twilio SDK's HTTP client for the calls the gateway places through the SDK ({@code Call.creator}):
 * each SDK request goes, once, as a form POST through {@link TwilioApiClient} to its base URL
 * ({@code TWILIO_API_URL}, a local stub in tests and the demo), with its short timeouts and hard
 * deadline; the answer of this thread's last request is kept for the failure classifier.
 */
final class TwilioSdkBridge extends HttpClient {

    private final TwilioApiClient api;
    private final String authorization;
    private final ThreadLocal<TwilioApiClient.Answer> lastAnswer = new ThreadLocal<>();
    private final ThreadLocal<IOException> lastFailure = new ThreadLocal<>();

    TwilioSdkBridge(TwilioApiClient api, String accountSid, String authToken) {
        this.api = api;
        this.authorization = TwilioApiClient.basicAuth(accountSid, authToken);
    }

    @Override
    public Response makeRequest(Request request) {
        lastAnswer.remove();
        lastFailure.remove();
        List<NameValuePair> form = new ArrayList<>();
        request.getPostParams().forEach((name, values) -> values.forEach(v -> form.add(new BasicNameValuePair(name, v))));
        URI uri = api.uri(URI.create(request.getUrl()).getRawPath());
        try {
            TwilioApiClient.Answer answer = api.postForm(uri, authorization, form);
            lastAnswer.set(answer);
            return new Response(answer.body(), answer.status());
        } catch (IOException e) {
            lastFailure.set(e);
            throw new ApiConnectionException("Twilio could not be reached: " + e.getMessage(), e);
        }
    }

    /** Sent once: the outbox retries with its own backoff. */
    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    /** What Twilio answered this thread's last request, or null when no answer came. */
    TwilioApiClient.Answer lastAnswer() {
        return lastAnswer.get();
    }

    /** Why this thread's last request got no answer, or null. */
    IOException lastFailure() {
        return lastFailure.get();
    }
}
