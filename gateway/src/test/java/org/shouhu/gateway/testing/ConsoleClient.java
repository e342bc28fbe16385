package org.shouhu.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person using the console over plain HTTP, as a browser would: keeps the cookies it is given
 * (by hand: Java's cookie store will not send a Secure cookie over http, and the test node's public
 * URL is https), follows nothing by itself, reads form tokens from the pages.
 */
public final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern TAP = Pattern.compile("name=\"tap\" value=\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("登录码 (\\d{6})");

    private final GatewayUnderTest gw;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    /** Every Set-Cookie header received, as sent. */
    public final List<String> setCookies = new java.util.ArrayList<>();
    private String lastPage = "";

    public ConsoleClient(GatewayUnderTest gw) {
        this.gw = gw;
    }

    /** Logs in as the phone with the code the node texted it; returns the final answer (a 303 to the home page). */
    public HttpResponse<String> login(String phone) throws IOException, InterruptedException {
        get("/console/login");
        post("/console/login", Map.of("phone", phone));
        return post("/console/login/code", Map.of("phone", phone, "code", codeTextedTo(phone)));
    }

    /** The code in the last login SMS the provider got for the phone. */
    public String codeTextedTo(String phone) {
        gw.gateway.drainOutbox();
        List<String> texts = GatewayUnderTest.to(gw.sent(), phone);
        for (int i = texts.size() - 1; i >= 0; i--) {
            Matcher m = CODE.matcher(texts.get(i));
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no login code texted to " + phone + ": " + texts);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).GET());
    }

    /** Posts a form with the form token of the last page read. */
    public HttpResponse<String> post(String path, Map<String, String> fields) throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>(fields);
        Matcher csrf = CSRF.matcher(lastPage);
        if (csrf.find() && !all.containsKey("csrf")) {
            all.put("csrf", csrf.group(1));
        }
        Matcher tap = TAP.matcher(lastPage);
        if (tap.find() && !all.containsKey("tap")) {
            all.put("tap", tap.group(1));
        }
        all.values().removeIf(v -> v == null);
        return postRaw(path, all);
    }

    /** Posts exactly these fields (no form token added). */
    public HttpResponse<String> postRaw(String path, Map<String, String> fields) throws IOException, InterruptedException {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (!cookies.isEmpty()) {
            StringJoiner header = new StringJoiner("; ");
            cookies.forEach((k, v) -> header.add(k + "=" + v));
            request.header("Cookie", header.toString());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String c : response.headers().allValues("Set-Cookie")) {
            setCookies.add(c);
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || c.contains("Max-Age=0")) {
                cookies.remove(pair.substring(0, eq));
            } else {
                cookies.put(pair.substring(0, eq), value);
            }
        }
        if (response.statusCode() != 303) {
            lastPage = response.body();
        }
        return response;
    }

    /** Forgets the session cookie (a stranger's browser, or one whose cookie was stolen and reused elsewhere). */
    public Map<String, String> cookies() {
        return cookies;
    }

    public String lastPage() {
        return lastPage;
    }
}
