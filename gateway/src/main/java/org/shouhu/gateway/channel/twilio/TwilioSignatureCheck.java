package org.shouhu.gateway.channel.twilio;

import com.twilio.security.RequestValidator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.shouhu.gateway.http.HttpCall;

/**
 * Checks that a webhook call comes from Twilio: its {@code X-Twilio-Signature} must be the HMAC-SHA1, under our auth
 * token, of the URL Twilio called (our public URL + path + query) followed by the sorted form fields.
 *
 * <p>{@link HttpCall} carries the query decoded, so a query is rebuilt in order with UTF-8 form encoding; the
 * webhook URLs configured in Twilio for this gateway carry no query, so in practice the URL is exact.
 */
public final class TwilioSignatureCheck {

    /** The header Twilio signs its webhooks with. */
    public static final String HEADER = "X-Twilio-Signature";

    private final RequestValidator validator;
    private final String publicUrl;

    public TwilioSignatureCheck(TwilioSettings settings) {
        this.validator = new RequestValidator(settings.authToken());
        this.publicUrl = settings.publicUrl();
    }

    /** Whether the call carries a signature at all. */
    public boolean isSigned(HttpCall call) {
        String signature = call.header(HEADER);
        return signature != null && !signature.isBlank();
    }

    /** Whether the call's signature matches our public URL for it and these form fields. */
    public boolean isValid(HttpCall call, Map<String, String> formFields) {
        if (!isSigned(call)) {
            return false;
        }
        try {
            return validator.validate(urlTwilioCalled(call), formFields, call.header(HEADER).strip());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The URL Twilio signed: our public base URL, the path, and the query when there is one. */
    String urlTwilioCalled(HttpCall call) {
        String query = query(call.query());
        return publicUrl + call.path() + (query.isEmpty() ? "" : "?" + query);
    }

    private static String query(Map<String, List<String>> params) {
        if (params == null || params.isEmpty()) {
            return "";
        }
        StringJoiner query = new StringJoiner("&");
        params.forEach((name, values) -> values.forEach(value ->
                query.add(encode(name) + "=" + encode(value))));
        return query.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
