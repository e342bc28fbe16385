package org.shouhu.gateway.channel.wechat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.gateway.http.HttpCall;

/** Builds the {@link HttpCall}s the HTTP server would hand {@link WechatEndpoint}, signed as WeChat signs them. */
final class Calls {

    static final String NONCE = "1514711492";
    static final String OPENID_IN_QUERY = "fromUser";

    private Calls() {
    }

    /** The query of a plain-mode callback signed with {@code token} at {@code timestamp}. */
    static Map<String, String> signed(String token, long timestamp) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("signature", WechatSignature.sign(token, Long.toString(timestamp), NONCE));
        query.put("timestamp", Long.toString(timestamp));
        query.put("nonce", NONCE);
        query.put("openid", OPENID_IN_QUERY);
        return query;
    }

    /** The query of a safe-mode callback: also {@code encrypt_type=aes} and {@code msg_signature} over {@code encrypt}. */
    static Map<String, String> safe(String token, long timestamp, String encrypt) {
        Map<String, String> query = signed(token, timestamp);
        query.put("encrypt_type", "aes");
        query.put("msg_signature", WechatSignature.sign(token, Long.toString(timestamp), NONCE, encrypt));
        return query;
    }

    /** The body WeChat posts in safe mode, with this {@code Encrypt} text. */
    static String envelope(String encrypt) {
        return Fixtures.text("safe-mode.xml").replace("ENCRYPT", encrypt);
    }

    static HttpCall get(Map<String, String> query) {
        return call("GET", query, "");
    }

    static HttpCall post(Map<String, String> query, String body) {
        return call("POST", query, body);
    }

    static HttpCall call(String method, Map<String, String> query, String body) {
        Map<String, List<String>> decoded = new LinkedHashMap<>();
        query.forEach((name, value) -> decoded.put(name, List.of(value)));
        Map<String, String> headers = Map.of("content-type", "text/xml", "user-agent", "Mozilla/4.0");
        return new HttpCall(method, WechatEndpoint.PATH, decoded, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of {@code query} with {@code name} set to {@code value} (or removed when value is null). */
    static Map<String, String> with(Map<String, String> query, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(query);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return copy;
    }
}
