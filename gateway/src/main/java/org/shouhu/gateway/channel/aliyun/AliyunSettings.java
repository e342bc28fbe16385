package org.shouhu.gateway.channel.aliyun;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.shouhu.templates.TemplateKey;

/**
 * How the gateway sends through Aliyun SMS (阿里云短信服务) and how Aliyun's pushes reach it.
 *
 * @param accessKeyId     the AccessKey ID of a RAM user allowed {@code dysms:SendSms}
 * @param accessKeySecret its AccessKey secret; never logged
 * @param signName        the approved signature (签名), sent as {@code SignName}: Aliyun puts it in 【】 itself
 * @param templates       every message kind → its approved TemplateCode ({@code SMS_123456789}); complete: a node
 *                        refuses to start while any kind has none, since any message may fall back to SMS
 * @param endpoint        where SendSms goes: {@code https://dysmsapi.aliyuncs.com} by default; scheme and host (and
 *                        port) only, so tests and the demo can point it at a local stub
 * @param pushToken       the secret last segment of the push URLs ({@code /aliyun/sms-up/{token}}): Aliyun's pushes
 *                        are not signed, so this token is what keeps others out
 * @param pushAllow       source addresses (IPs or CIDR ranges) pushes may come from; empty: any
 */
public record AliyunSettings(String accessKeyId, String accessKeySecret, String signName,
                             Map<TemplateKey, String> templates, URI endpoint, String pushToken,
                             List<String> pushAllow) {

    /** Aliyun's SMS API (dysmsapi, 2017-05-25), mainland endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{24,128}");
    private static final Pattern TEMPLATE_CODE = Pattern.compile("SMS_\\d{1,20}");

    public AliyunSettings {
        accessKeyId = required(accessKeyId, "ALIYUN_ACCESS_KEY_ID");
        accessKeySecret = required(accessKeySecret, "ALIYUN_ACCESS_KEY_SECRET");
        signName = required(signName, "ALIYUN_SMS_SIGN_NAME");
        if (signName.startsWith("【") || signName.endsWith("】")) {
            throw new IllegalArgumentException("ALIYUN_SMS_SIGN_NAME is the signature's name alone (守护托管), "
                    + "without 【】: Aliyun adds them");
        }
        templates = Collections.unmodifiableMap(new EnumMap<>(templates == null ? Map.of() : templates));
        List<String> missing = missing(templates);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("ALIYUN_SMS_TEMPLATES has no TemplateCode for " + missing.size()
                    + " message kinds (every kind may be sent by SMS): " + String.join(",", missing));
        }
        if (endpoint == null) {
            endpoint = URI.create(DEFAULT_ENDPOINT);
        }
        pushToken = required(pushToken, "ALIYUN_PUSH_TOKEN");
        if (!TOKEN.matcher(pushToken).matches()) {
            throw new IllegalArgumentException("ALIYUN_PUSH_TOKEN must be 24 to 128 letters, digits, - or _ "
                    + "(it is the only secret of the unsigned push URLs: make it long and random)");
        }
        pushAllow = List.copyOf(pushAllow == null ? List.of() : pushAllow);
        pushAllow.forEach(AliyunSettings::checkRange);
    }

    /**
     * Reads {@code ALIYUN_ACCESS_KEY_ID}, {@code ALIYUN_ACCESS_KEY_SECRET}, {@code ALIYUN_SMS_SIGN_NAME},
     * {@code ALIYUN_SMS_TEMPLATES}, {@code ALIYUN_SMS_ENDPOINT}, {@code ALIYUN_PUSH_TOKEN} and
     * {@code ALIYUN_PUSH_ALLOW}; empty when {@code ALIYUN_ACCESS_KEY_ID} is unset (the channel is off). A malformed
     * or incomplete value fails with what is wrong, never with a secret.
     */
    public static Optional<AliyunSettings> fromEnv(Map<String, String> env) {
        String keyId = blankToNull(env.get("ALIYUN_ACCESS_KEY_ID"));
        if (keyId == null) {
            return Optional.empty();
        }
        return Optional.of(new AliyunSettings(keyId, env.get("ALIYUN_ACCESS_KEY_SECRET"), env.get("ALIYUN_SMS_SIGN_NAME"),
                templates(env.get("ALIYUN_SMS_TEMPLATES")), endpoint(env.get("ALIYUN_SMS_ENDPOINT")),
                env.get("ALIYUN_PUSH_TOKEN"), list(env.get("ALIYUN_PUSH_ALLOW"))));
    }

    /** The TemplateCode of a message kind (every kind has one: checked at start). */
    public String templateCode(TemplateKey key) {
        return templates.get(key);
    }

    /** {@code https} or {@code http}, as the SDK's {@code protocol}. */
    public String protocol() {
        return endpoint.getScheme();
    }

    /** {@code host} or {@code host:port}, as the SDK's {@code endpoint}. */
    public String host() {
        return endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    /**
     * Reads {@code ALIYUN_SMS_TEMPLATES}: {@code kind=TemplateCode} pairs separated by commas (or new lines), a kind
     * being a message kind's name ({@code NO_SHOW_ALERT}) or its template file's ({@code no-show-alert}), in any case:
     * {@code arrival=SMS_100001,pickup=SMS_100002,no-show-alert=SMS_100003}.
     */
    static Map<TemplateKey, String> templates(String value) {
        Map<TemplateKey, String> codes = new EnumMap<>(TemplateKey.class);
        if (value == null || value.isBlank()) {
            return codes;
        }
        for (String pair : value.split("[,\\n]")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            String kind = kv[0].strip();
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new IllegalArgumentException("ALIYUN_SMS_TEMPLATES: \"" + kind + "\" has no TemplateCode (write kind=SMS_…)");
            }
            TemplateKey key;
            try {
                key = TemplateKey.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ALIYUN_SMS_TEMPLATES: \"" + kind + "\" is not a message kind");
            }
            String code = kv[1].strip();
            if (!TEMPLATE_CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("ALIYUN_SMS_TEMPLATES: " + key.fileName() + " has \"" + code
                        + "\", not a TemplateCode like SMS_123456789");
            }
            if (codes.put(key, code) != null) {
                throw new IllegalArgumentException("ALIYUN_SMS_TEMPLATES names " + key.fileName() + " twice");
            }
        }
        return codes;
    }

    /**
     * The kinds without a TemplateCode, by their template file's name, in the order of {@link TemplateKey}; not
     * the texts only read aloud in a voice call ({@link TemplateKey#spokenOnly}).
     */
    static List<String> missing(Map<TemplateKey, String> templates) {
        List<String> missing = new ArrayList<>();
        for (TemplateKey key : TemplateKey.values()) {
            if (!templates.containsKey(key) && !key.spokenOnly()) { // a voice call's text is never an SMS
                missing.add(key.fileName());
            }
        }
        return missing;
    }

    static URI endpoint(String value) {
        String url = blankToNull(value);
        if (url == null) {
            return URI.create(DEFAULT_ENDPOINT);
        }
        if (!url.contains("://")) {
            url = "https://" + url;
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("ALIYUN_SMS_ENDPOINT is not a URL");
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
            throw new IllegalArgumentException("ALIYUN_SMS_ENDPOINT must be an http(s) URL with a host");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("ALIYUN_SMS_ENDPOINT takes a scheme and host (and port) only, no path");
        }
        return uri;
    }

    /** Whether a push from {@code peer} may come in: any, when no allow-list is set; none whose address is unknown. */
    public boolean allows(InetAddress peer) {
        if (pushAllow.isEmpty()) {
            return true;
        }
        return peer != null && pushAllow.stream().anyMatch(range -> inRange(peer, range));
    }

    static boolean inRange(InetAddress peer, String range) {
        String[] parts = range.split("/", 2);
        byte[] net = literal(parts[0]).getAddress();
        byte[] address = peer.getAddress();
        if (net.length != address.length) {
            return false;
        }
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : net.length * 8;
        for (int i = 0; i < net.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((net[i] & mask) != (address[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static void checkRange(String range) {
        String[] parts = range.split("/", 2);
        literal(parts[0]);
        if (parts.length == 2) {
            int max = parts[0].contains(":") ? 128 : 32;
            try {
                int bits = Integer.parseInt(parts[1]);
                if (bits < 0 || bits > max) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ALIYUN_PUSH_ALLOW: \"" + range + "\" has a bad prefix length");
            }
        }
    }

    /** An IP address written out (never a host name: that would look it up). */
    private static InetAddress literal(String ip) {
        if (!ip.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new IllegalArgumentException("ALIYUN_PUSH_ALLOW: \"" + ip + "\" is not an IP address");
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("ALIYUN_PUSH_ALLOW: \"" + ip + "\" is not an IP address");
        }
    }

    private static List<String> list(String value) {
        List<String> items = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        }
        return items;
    }

    private static String required(String value, String name) {
        String v = blankToNull(value);
        if (v == null) {
            throw new IllegalArgumentException(name + " is missing (Aliyun SMS is on because ALIYUN_ACCESS_KEY_ID is set)");
        }
        return v;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** Shows neither the secret nor the push token, so settings may be logged. */
    @Override
    public String toString() {
        return "AliyunSettings[accessKeyId=" + accessKeyId + ", accessKeySecret=****, signName=" + signName
                + ", templates=" + templates.size() + ", endpoint=" + endpoint + ", pushToken=****, pushAllow=" + pushAllow + "]";
    }
}
