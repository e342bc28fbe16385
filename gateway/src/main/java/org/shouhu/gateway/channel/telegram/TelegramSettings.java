package org.shouhu.gateway.channel.telegram;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * How the gateway talks to Telegram's Bot API and how it knows that a webhook call comes from Telegram.
 *
 * @param botToken      the token @BotFather gave the bot ({@code 123456789:AA…}); it goes into every API URL, so it
 *                      is never logged
 * @param webhookSecret the {@code secret_token} given to {@code setWebhook}; Telegram sends it back in the header
 *                      {@code X-Telegram-Bot-Api-Secret-Token} of every webhook call. Telegram allows 1–256
 *                      characters of {@code A-Z a-z 0-9 _ -}, so anything else would be refused by setWebhook and
 *                      is refused here
 * @param apiUrl        base URL of the Bot API; null or blank means {@value #DEFAULT_API_URL} (tests point it at a
 *                      local stub)
 */
public record TelegramSettings(String botToken, String webhookSecret, String apiUrl) {

    /** Telegram's Bot API. */
    public static final String DEFAULT_API_URL = "https://api.telegram.org";

    /** A token as @BotFather issues them: the bot's id, a colon, then letters, digits, {@code _} and {@code -}. */
    private static final Pattern BOT_TOKEN = Pattern.compile("\\d+:[A-Za-z0-9_-]+");
    /** What setWebhook accepts as {@code secret_token}. */
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    public TelegramSettings {
        botToken = botToken == null ? null : botToken.strip();
        webhookSecret = webhookSecret == null ? null : webhookSecret.strip();
        if (botToken == null || botToken.isEmpty()) {
            throw new IllegalArgumentException("Telegram setting botToken is missing");
        }
        if (!BOT_TOKEN.matcher(botToken).matches()) {
            throw new IllegalArgumentException("Telegram setting botToken does not look like a bot token "
                    + "(digits, a colon, then letters, digits, _ or -)");
        }
        if (webhookSecret == null || webhookSecret.isEmpty()) {
            throw new IllegalArgumentException("Telegram setting webhookSecret is missing");
        }
        if (!SECRET.matcher(webhookSecret).matches()) {
            throw new IllegalArgumentException("Telegram setting webhookSecret must be 1-256 characters of "
                    + "A-Z a-z 0-9 _ - (what setWebhook accepts as secret_token)");
        }
        apiUrl = withoutTrailingSlash(apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl.strip());
        requireWebUrl(apiUrl);
    }

    /** The URL of a Bot API method for this bot; it contains the token, so it must not reach a log. */
    String methodUrl(String method) {
        return apiUrl + "/bot" + botToken + "/" + method;
    }

    /** Shows the API URL only, so settings may be logged. */
    @Override
    public String toString() {
        return "TelegramSettings[botToken=****, webhookSecret=****, apiUrl=" + apiUrl + "]";
    }

    private static void requireWebUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Telegram setting apiUrl is not a URL");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
            throw new IllegalArgumentException("Telegram setting apiUrl must be an http(s) URL with a host");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("Telegram setting apiUrl must not have a query or fragment");
        }
    }

    private static String withoutTrailingSlash(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
