package org.shouhu.gateway.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the endpoints see it, already read whole.
 *
 * @param method  upper-case method ({@code POST})
 * @param path    the path without query ({@code /twilio/sms})
 * @param query   decoded query parameters
 * @param headers headers, names lower-cased
 * @param body    the raw body
 * @param peer    the address the request came from; null when not known (a call built in a test)
 */
public record HttpCall(String method, String path, Map<String, List<String>> query,
                       Map<String, String> headers, byte[] body, InetAddress peer) {

    /** A call from an address not known. */
    public HttpCall(String method, String path, Map<String, List<String>> query, Map<String, String> headers, byte[] body) {
        this(method, path, query, headers, body, null);
    }

    /** Whether the call came from this machine (a loopback address). */
    public boolean fromLoopback() {
        return peer != null && peer.isLoopbackAddress();
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
