package org.shouhu.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an endpoint answers: status, content type, body, and any extra headers ({@code Retry-After}). */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public HttpReply {
        headers = Map.copyOf(headers);
    }

    public HttpReply(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    public static HttpReply text(int status, String text) {
        return new HttpReply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply json(int status, String json) {
        return new HttpReply(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply xml(int status, String xml) {
        return new HttpReply(status, "text/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8));
    }

    /** 503 with {@code Retry-After}: the node cannot take the request now, but will soon. */
    public static HttpReply unavailable(int retryAfterSeconds, String text) {
        return text(503, text).withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    /** The same reply with one more header. */
    public HttpReply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpReply(status, contentType, body, more);
    }
}
