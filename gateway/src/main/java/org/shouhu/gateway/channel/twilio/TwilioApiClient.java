package org.shouhu.gateway.channel.twilio;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Twilio's REST API over one pooled Apache HTTP client: a form POST to a configurable base URL, sent once, with
 * short timeouts and a hard deadline per call.
 *
 * <p>Why not the SDK's {@code Message.creator(…).create()}: measured side by side against the same local provider,
 * four sending threads, the SDK path cost about twice the CPU per message of this one (it builds a request object,
 * copies it onto our base URL, builds its user agent, and binds the whole Message resource with Jackson), and the
 * outbox sends every message through here. The SDK stays for what it does well (webhook signatures). What this
 * client keeps from the gateway's earlier SDK adapter:
 * <ul>
 *   <li><b>Base URL.</b> Requests go to {@code apiUrl} ({@code TWILIO_API_URL}; a path on it is kept in front of
 *       Twilio's), so tests and the demo point it at a local stub.</li>
 *   <li><b>No hidden retries.</b> Sent once; the outbox retries with its own backoff.</li>
 *   <li><b>Timeouts.</b> Connect and read limits, and because those limit each wait rather than the call (a Twilio
 *       trickling its answer a byte every few seconds would hold a sending thread for ever), a hard deadline per
 *       call ({@link #DEFAULT_CALL_DEADLINE}): when it passes, the request is cancelled, which closes its
 *       connection under the reading thread, and the call fails as a timeout.</li>
 * </ul>
 */
public final class TwilioApiClient implements AutoCloseable {

    /** How long to wait for a connection to Twilio. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for Twilio's answer once connected. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** The longest one call may take, from connecting to the last byte of the answer. */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);

    /** Cancels calls past their deadline; one daemon thread for every client, woken only when a deadline passes. */
    private static final ScheduledExecutorService DEADLINES = deadlines();

    /** What Twilio answered: the HTTP status, the body as text, and its {@code Retry-After} header (or null). */
    public record Answer(int status, String body, String retryAfter) {
        /** True for 2xx. */
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final String apiUrl;
    private final CloseableHttpClient http;
    private final Duration callDeadline;

    /** A client for {@code apiUrl} with the default timeouts. */
    public TwilioApiClient(String apiUrl) {
        this(apiUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    public TwilioApiClient(String apiUrl, Duration connectTimeout, Duration readTimeout) {
        this(apiUrl, connectTimeout, readTimeout, DEFAULT_CALL_DEADLINE);
    }

    /** @param callDeadline the longest a call may take in all, however its answer trickles in */
    public TwilioApiClient(String apiUrl, Duration connectTimeout, Duration readTimeout, Duration callDeadline) {
        this.apiUrl = baseUrl(apiUrl);
        this.callDeadline = callDeadline;
        this.http = client(connectTimeout, readTimeout);
    }

    /** The {@code Authorization} header for an account: HTTP Basic with its SID and auth token. */
    public static String basicAuth(String accountSid, String authToken) {
        return "Basic " + Base64.getEncoder().encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
    }

    /** The address of {@code path} (which starts with {@code /}) under {@code apiUrl}. */
    public URI uri(String path) {
        return URI.create(apiUrl + path);
    }

    /**
     * POSTs {@code form} (UTF-8, form-encoded) to {@code uri} once and reads the whole answer, whatever its status.
     *
     * @throws IOException when no answer came: refused or failed connection, a timeout, or the call deadline
     *                     (an {@link InterruptedIOException} for the last two)
     */
    public Answer postForm(URI uri, String authorization, List<? extends NameValuePair> form) throws IOException {
        HttpPost post = new HttpPost(uri);
        post.setHeader(HttpHeaders.AUTHORIZATION, authorization);
        post.setHeader(HttpHeaders.ACCEPT, "application/json");
        post.setEntity(new UrlEncodedFormEntity(form, StandardCharsets.UTF_8));
        AtomicBoolean cut = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            cut.set(true);
            post.cancel(); // aborts the exchange and closes its connection: a blocked read fails at once
        }, callDeadline.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return http.execute(post, response -> {
                Header retryAfter = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
                String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                return new Answer(response.getCode(), body, retryAfter == null ? null : retryAfter.getValue());
            });
        } catch (IOException | RuntimeException e) {
            if (cut.get()) {
                InterruptedIOException timeout = new InterruptedIOException("Twilio's answer took longer than "
                        + callDeadline.toMillis() + " ms");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /** Where requests go instead of {@code https://api.twilio.com}. */
    public String apiUrl() {
        return apiUrl;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    private static String baseUrl(String apiUrl) {
        URI uri = URI.create(apiUrl == null ? "" : apiUrl.strip());
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null) {
            throw new IllegalArgumentException("Twilio API URL must be an http(s) URL with a host");
        }
        String url = uri.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static CloseableHttpClient client(Duration connectTimeout, Duration readTimeout) {
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        return HttpClients.custom()
                .useSystemProperties() // a proxy set for the JVM applies
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build())
                        .setMaxConnPerRoute(32)
                        .setMaxConnTotal(64)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(connect).setResponseTimeout(read).build())
                .setUserAgent("shouhu")
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    private static ScheduledExecutorService deadlines() {
        ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "twilio-deadline");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true); // a call that ends in time leaves nothing to wake the thread for
        return executor;
    }
}
