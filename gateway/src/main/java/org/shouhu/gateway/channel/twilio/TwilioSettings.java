package org.shouhu.gateway.channel.twilio;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;

/**
 * How the gateway talks to Twilio and how Twilio reaches the gateway.
 *
 * @param accountSid          the account ({@code AC…}); also the user name of API calls
 * @param authToken           the account's auth token: API password and webhook signing key
 * @param from                the sending number in E.164 ({@code +1500…}), or several separated by commas to spread
 *                            over ({@link #numbers()}), or null when a messaging service sends
 * @param messagingServiceSid the messaging service ({@code MG…}) that picks the sender, or null; wins over {@code from}
 * @param apiUrl              base URL of the REST API; null means {@value #DEFAULT_API_URL} (tests and the demo point it
 *                            at a local stub)
 * @param publicUrl           the base URL Twilio calls us on ({@code https://gw.example.cn}), without trailing slash;
 *                            webhook signatures are computed over it
 */
public record TwilioSettings(String accountSid, String authToken, String from, String messagingServiceSid,
                             String apiUrl, String publicUrl) {

    /** Twilio's REST API. */
    public static final String DEFAULT_API_URL = "https://api.twilio.com";

    public TwilioSettings {
        requireText(accountSid, "accountSid");
        accountSid = accountSid.strip();
        if (!accountSid.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            // it is a segment of every API path: a stray character would fail every send, not the start
            throw new IllegalArgumentException("Twilio setting accountSid must be letters and digits (AC followed by 32)");
        }
        requireText(authToken, "authToken");
        requireText(publicUrl, "publicUrl");
        from = blankToNull(from);
        if (from != null && Arrays.stream(from.split(",", -1)).anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("Twilio setting from has an empty number in its list");
        }
        messagingServiceSid = blankToNull(messagingServiceSid);
        apiUrl = withoutTrailingSlash(apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl.strip());
        publicUrl = withoutTrailingSlash(publicUrl.strip());
        requireWebUrl(apiUrl, "apiUrl");
        requireWebUrl(publicUrl, "publicUrl");
    }

    /** Where Twilio posts delivery reports of the messages we send. */
    public String statusCallbackUrl() {
        return publicUrl + TwilioStatusEndpoint.PATH;
    }

    /**
     * Where Twilio reports on one message: the status callback naming our message id, so that a
     * report finds its message without an index from Twilio's id to ours.
     */
    public String statusCallbackUrl(String messageId) {
        return statusCallbackUrl() + "?" + TwilioStatusEndpoint.MESSAGE_PARAM + "="
                + java.net.URLEncoder.encode(messageId, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Our sending numbers, in the order given ({@code from} split at commas); empty when a messaging service sends alone. */
    public List<String> numbers() {
        return numbers(from);
    }

    /** Numbers separated by commas, in order, blanks dropped; empty for null. */
    public static List<String> numbers(String commaSeparated) {
        return commaSeparated == null ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(n -> !n.isEmpty()).toList();
    }

    /** Whether outbound messages have a sender: a number or a messaging service. */
    public boolean canSend() {
        return from != null || messagingServiceSid != null;
    }

    /** Shows everything but the auth token, so settings may be logged. */
    @Override
    public String toString() {
        return "TwilioSettings[accountSid=" + accountSid + ", authToken=****, from=" + from
                + ", messagingServiceSid=" + messagingServiceSid + ", apiUrl=" + apiUrl + ", publicUrl=" + publicUrl + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Twilio setting " + name + " is missing");
        }
    }

    private static void requireWebUrl(String url, String name) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Twilio setting " + name + " is not a URL");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
            throw new IllegalArgumentException("Twilio setting " + name + " must be an http(s) URL with a host");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String withoutTrailingSlash(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
