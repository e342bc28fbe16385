package org.shouhu.gateway.channel.wechat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How the gateway talks to one WeChat Official Account (公众号) and how it checks what WeChat sends.
 *
 * @param appId      the account's AppID ({@code wx…}); also the last part of every safe-mode plaintext
 * @param appSecret  the AppSecret, only ever sent to fetch an access token
 * @param token      the Token typed into the server settings (3–32 letters or digits); signs every callback
 * @param aesKey     the 43-character EncodingAESKey of safe mode (安全模式), or null: plain mode only. When it is set,
 *                   the endpoint takes only encrypted messages
 * @param apiUrl     base URL of WeChat's API; null means {@value #DEFAULT_API_URL} (tests point it at a stub)
 * @param templateId the template message (模板消息) used outside the 48-hour customer-service window, or null;
 *                   one id for every notice, or per notice kind: {@code ARRIVAL=id1,PICKUP=id2,*=id3}
 */
public record WechatSettings(String appId, String appSecret, String token, String aesKey, String apiUrl,
                             String templateId) {

    /** WeChat's API. */
    public static final String DEFAULT_API_URL = "https://api.weixin.qq.com";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{3,32}");
    private static final Pattern AES_KEY = Pattern.compile("[A-Za-z0-9]{43}");

    public WechatSettings {
        appId = required(appId, "appId");
        appSecret = required(appSecret, "appSecret");
        token = required(token, "token");
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("WeChat setting token must be 3 to 32 letters or digits");
        }
        aesKey = blankToNull(aesKey);
        if (aesKey != null && !isAesKey(aesKey)) {
            throw new IllegalArgumentException("WeChat setting aesKey must be the 43-character EncodingAESKey");
        }
        apiUrl = withoutTrailingSlash(apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl.strip());
        requireWebUrl(apiUrl);
        templateId = blankToNull(templateId);
    }

    /**
     * Reads {@code WECHAT_APP_ID}, {@code WECHAT_APP_SECRET}, {@code WECHAT_TOKEN}, {@code WECHAT_AES_KEY},
     * {@code WECHAT_API_URL} and {@code WECHAT_TEMPLATE_ID}; empty when {@code WECHAT_APP_ID} is unset (the channel is
     * off). A malformed value fails with what is wrong, never with the value.
     */
    public static Optional<WechatSettings> fromEnv(Map<String, String> env) {
        String appId = blankToNull(env.get("WECHAT_APP_ID"));
        if (appId == null) {
            return Optional.empty();
        }
        return Optional.of(new WechatSettings(appId, env.get("WECHAT_APP_SECRET"), env.get("WECHAT_TOKEN"),
                env.get("WECHAT_AES_KEY"), env.get("WECHAT_API_URL"), env.get("WECHAT_TEMPLATE_ID")));
    }

    /** The template message id for a notice kind ({@code ARRIVAL}), falling back to {@code *}; null when none. */
    public String templateFor(String notice) {
        if (templateId == null) {
            return null;
        }
        if (!templateId.contains("=")) {
            return templateId;
        }
        String fallback = null;
        for (String pair : templateId.split(",")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals(notice)) {
                return kv[1].strip();
            }
            if (kv.length == 2 && kv[0].strip().equals("*")) {
                fallback = kv[1].strip();
            }
        }
        return fallback;
    }

    /** Whether callbacks come encrypted (safe mode). */
    public boolean safeMode() {
        return aesKey != null;
    }

    /** Shows everything but the AppSecret, the Token and the EncodingAESKey, so settings may be logged. */
    @Override
    public String toString() {
        return "WechatSettings[appId=" + appId + ", appSecret=****, token=****, aesKey="
                + (aesKey == null ? "none (plain mode)" : "****") + ", apiUrl=" + apiUrl + ", templateId=" + templateId
                + "]";
    }

    private static boolean isAesKey(String key) {
        if (!AES_KEY.matcher(key).matches()) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key + "=").length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String required(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("WeChat setting " + name + " is missing");
        }
        return value.strip();
    }

    private static void requireWebUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("WeChat setting apiUrl is not a URL");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
            throw new IllegalArgumentException("WeChat setting apiUrl must be an http(s) URL with a host");
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
