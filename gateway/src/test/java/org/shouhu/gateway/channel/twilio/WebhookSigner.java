package org.shouhu.gateway.channel.twilio;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook calls the way Twilio does (HMAC-SHA1 of the URL followed by each form field's name and value in
 * name order, base64), written from Twilio's documentation rather than reusing the production check.
 */
final class WebhookSigner {

    private WebhookSigner() {
    }

    static String sign(String authToken, String url, Map<String, String> fields) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(fields).forEach((name, value) -> data.append(name).append(value));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A form body's fields, decoded with the JDK (first value of a key wins, as Twilio never repeats one). */
    static Map<String, String> fields(String formBody) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (formBody.isEmpty()) {
            return fields;
        }
        for (String pair : formBody.split("&")) {
            String[] nameValue = pair.split("=", 2);
            fields.putIfAbsent(URLDecoder.decode(nameValue[0], StandardCharsets.UTF_8),
                    nameValue.length < 2 ? "" : URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
        }
        return fields;
    }
}
