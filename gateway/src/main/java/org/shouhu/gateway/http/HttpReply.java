package org.shouhu.gateway.http;

import java.nio.charset.StandardCharsets;

/** What an endpoint answers: status, content type and body. */
public record HttpReply(int status, String contentType, byte[] body) {

    public static HttpReply text(int status, String text) {
        return new HttpReply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply json(int status, String json) {
        return new HttpReply(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply xml(int status, String xml) {
        return new HttpReply(status, "text/xml; charset=utf-8", xml.getBytes(StandardCharsets.UTF_8));
    }
}
