package org.shouhu.gateway.channel.wechat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JDK's HTTP client set up for WeChat's API: the configured base URL (a stub in tests), a connect timeout, a
 * timeout for the answer, JSON both ways in UTF-8 (Chinese is sent as is, never as escape sequences). Sends each
 * call once; retrying is the outbox's business.
 *
 * <p>Query strings carry the AppSecret or an access token, so nothing here logs a URL, and failures name only the
 * kind of trouble ({@code timeout}, {@code connection}, {@code http-503}, {@code unreadable}).
 */
public final class WechatApi {

    /** How long to wait for a connection to WeChat. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for WeChat's answer once the request is sent. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The longest one call may take in all: the JDK client's request timeout stops once the headers are in, so
     * an answer that trickles in would otherwise hold the sending thread for as long as WeChat likes.
     */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);

    static final String TIMEOUT = "timeout";
    static final String CONNECTION = "connection";
    static final String UNREADABLE = "unreadable";
    static final String INTERRUPTED = "interrupted";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOO_MANY_REQUESTS = 429;

    private final String apiUrl;
    private final Duration readTimeout;
    private final Duration callDeadline;
    private final HttpClient http;

    /** A client for {@code apiUrl} with the default timeouts (5 s to connect, 10 s to answer). */
    public WechatApi(String apiUrl) {
        this(apiUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    public WechatApi(String apiUrl, Duration connectTimeout, Duration readTimeout) {
        this(apiUrl, connectTimeout, readTimeout, DEFAULT_CALL_DEADLINE);
    }

    /** @param callDeadline the longest a call may take in all, however its answer trickles in */
    public WechatApi(String apiUrl, Duration connectTimeout, Duration readTimeout, Duration callDeadline) {
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.readTimeout = readTimeout;
        this.callDeadline = callDeadline;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Where calls go instead of {@code https://api.weixin.qq.com}. */
    public String apiUrl() {
        return apiUrl;
    }

    /** GETs {@code path} with these query parameters and reads the JSON answer. */
    JsonNode get(String path, Map<String, String> query) throws WechatApiException {
        return exchange(request(path, query).GET().build());
    }

    /** POSTs {@code body} as JSON to {@code path} with these query parameters and reads the JSON answer. */
    JsonNode post(String path, Map<String, String> query, JsonNode body) throws WechatApiException {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
        return exchange(request(path, query)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build());
    }

    /** A new JSON object to fill in. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        query.forEach((name, value) -> q.add(encode(name) + "=" + encode(value)));
        return HttpRequest.newBuilder(URI.create(apiUrl + path + q))
                .timeout(readTimeout)
                .header("Accept", "application/json");
    }

    private JsonNode exchange(HttpRequest request) throws WechatApiException {
        HttpResponse<byte[]> response;
        CompletableFuture<HttpResponse<byte[]>> call = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            response = call.get(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new WechatApiException(TIMEOUT, "WeChat did not answer within the call deadline", true);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpTimeoutException timeout) {
                throw new WechatApiException(TIMEOUT, "WeChat did not answer in time: "
                        + timeout.getClass().getSimpleName(), true);
            }
            throw new WechatApiException(CONNECTION, "could not reach WeChat: "
                    + (e.getCause() == null ? "no answer" : e.getCause().getClass().getSimpleName()), true);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new WechatApiException(INTERRUPTED, "interrupted while waiting for WeChat", true);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            boolean retry = status >= 500 || status == TOO_MANY_REQUESTS;
            throw new WechatApiException("http-" + status, "WeChat answered HTTP " + status, retry);
        }
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (answer == null || !answer.isObject()) {
                throw new WechatApiException(UNREADABLE, "WeChat's answer is not a JSON object", false);
            }
            return answer;
        } catch (IOException e) {
            throw new WechatApiException(UNREADABLE, "WeChat's answer is not JSON", false);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
