package org.shouhu.gateway.channel.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.exception.ApiConnectionException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The Twilio SDK's HTTP client for the gateway: sends each SDK request once, to a configurable base URL, with short
 * timeouts.
 *
 * <p>Three things differ from the SDK's own {@link NetworkHttpClient}:
 * <ul>
 *   <li><b>Base URL.</b> The SDK always builds {@code https://api.twilio.com/…}; each request is copied onto
 *       {@code apiUrl} (method, query, form and header parameters, body, auth), so a test or the demo can point the
 *       real SDK at a local stub.</li>
 *   <li><b>No hidden retries.</b> {@code TwilioRestClient} calls {@link #reliableRequest(Request)}, which in the SDK
 *       repeats a 5xx answer up to three times, 100 ms apart. Here it sends once; the outbox retries with its own
 *       backoff. Apache's automatic retries are switched off too.</li>
 *   <li><b>Timeouts.</b> The SDK pins its own request settings on every request (30.5 s to connect, no response
 *       limit of its own); a handler at the head of Apache's execution chain puts ours back before the connection
 *       is made. Those limit each wait (a read), not the call: a Twilio that trickles its answer a byte every few
 *       seconds would hold the sending thread for ever. So each call also has a hard deadline
 *       ({@link #DEFAULT_CALL_DEADLINE}): when it passes, the connection is closed under the reading thread, and
 *       the call fails as a timeout.</li>
 * </ul>
 *
 * <p>{@link #getLastResponse()} is kept per thread, because one client serves many sending threads and the sender
 * reads the failed answer's status and {@code Retry-After} from it (the SDK's exceptions carry neither reliably).
 */
public final class TwilioApiClient extends HttpClient implements AutoCloseable {

    /** How long to wait for a connection to Twilio. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for Twilio's answer once connected. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** The longest one call may take, from connecting to the last byte of the answer. */
    public static final Duration DEFAULT_CALL_DEADLINE = Duration.ofSeconds(10);

    /** Closes the connections of calls past their deadline; one daemon thread for every client. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twilio-deadline");
        t.setDaemon(true);
        return t;
    });

    private final String apiUrl;
    private final ClosableNetworkClient network;
    private final ThreadLocal<Request> lastRequest = new ThreadLocal<>();
    private final ThreadLocal<Response> lastResponse = new ThreadLocal<>();
    /** The connection of this thread's call under way, for its deadline to close. */
    private final ThreadLocal<AtomicReference<ExecRuntime>> underWay = new ThreadLocal<>();
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
        this.network = new ClosableNetworkClient(httpClientBuilder(connectTimeout, readTimeout, underWay));
    }

    @Override
    public Response makeRequest(Request request) {
        lastResponse.remove();
        Request rebased = rebase(request);
        lastRequest.set(rebased);
        AtomicReference<ExecRuntime> call = new AtomicReference<>();
        AtomicBoolean cut = new AtomicBoolean();
        underWay.set(call);
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            cut.set(true);
            ExecRuntime connection = call.get();
            if (connection != null) {
                connection.discardEndpoint(); // closes the socket: the blocked read fails at once
            }
        }, callDeadline.toMillis(), TimeUnit.MILLISECONDS);
        Response response;
        try {
            response = network.makeRequest(rebased);
        } catch (RuntimeException e) {
            if (cut.get()) {
                throw new ApiConnectionException("Twilio's answer took longer than " + callDeadline.toMillis() + " ms",
                        new InterruptedIOException("call deadline"));
            }
            throw e;
        } finally {
            deadline.cancel(false);
            underWay.remove();
        }
        lastResponse.set(response);
        return response;
    }

    /** Sends once; see the class comment for why the SDK's retrying version is not used. */
    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    /** Sends once, ignoring the SDK's retry codes, count and delay. */
    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    /** The last request this thread sent (as sent, with the rebased URL), or null. */
    @Override
    public Request getLastRequest() {
        return lastRequest.get();
    }

    /** The answer to this thread's last request, or null when there was none (connection failure, timeout). */
    @Override
    public Response getLastResponse() {
        return lastResponse.get();
    }

    /** Forgets this thread's last exchange, so a failure before any request is not read from an older answer. */
    void forgetLastExchange() {
        lastRequest.remove();
        lastResponse.remove();
    }

    /** Where requests go instead of {@code https://api.twilio.com}. */
    public String apiUrl() {
        return apiUrl;
    }

    @Override
    public void close() throws IOException {
        network.close();
    }

    /** Copies an SDK request onto {@code apiUrl}, keeping its path and everything it carries. */
    Request rebase(Request original) {
        Request copy = new Request(original.getMethod(), apiUrl + URI.create(original.getUrl()).getPath());
        copyAuth(original, copy);
        copyParams(original.getQueryParams(), copy::addQueryParam);
        copyParams(original.getPostParams(), copy::addPostParam);
        copyParams(original.getHeaderParams(), copy::addHeaderParam);
        if (original.getContentType() != null) {
            copy.setContentType(original.getContentType());
        }
        if (original.getBody() != null) {
            copy.setBody(original.getBody());
        }
        if (original.getFormParameters() != null) {
            copy.setFormParameters(original.getFormParameters());
        }
        if (original.getUserAgentExtensions() != null) {
            copy.setUserAgentExtensions(original.getUserAgentExtensions());
        }
        return copy;
    }

    private static void copyAuth(Request from, Request to) {
        if (from.getUsername() != null && from.getPassword() != null) {
            to.setAuth(from.getUsername(), from.getPassword());
        } else if (from.getAuthStrategy() != null) {
            to.setAuth(from.getAuthStrategy());
        }
    }

    private static void copyParams(Map<String, List<String>> params, BiConsumer<String, String> add) {
        params.forEach((name, values) -> values.forEach(value -> add.accept(name, value)));
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

    private static HttpClientBuilder httpClientBuilder(Duration connectTimeout, Duration readTimeout,
                                                       ThreadLocal<AtomicReference<ExecRuntime>> underWay) {
        Timeout connect = Timeout.ofMilliseconds(connectTimeout.toMillis());
        Timeout read = Timeout.ofMilliseconds(readTimeout.toMillis());
        RequestConfig requestConfig = RequestConfig.custom()
                .setConnectionRequestTimeout(connect)
                .setResponseTimeout(read)
                .build();
        ConnectionConfig connectionConfig = ConnectionConfig.custom()
                .setConnectTimeout(connect)
                .setSocketTimeout(read)
                .build();
        return HttpClientBuilder.create()
                .useSystemProperties()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(connectionConfig)
                        .setMaxConnPerRoute(10)
                        .setMaxConnTotal(20)
                        .build())
                .setDefaultRequestConfig(requestConfig)
                .disableAutomaticRetries()
                .addExecInterceptorFirst("shouhu-timeouts", replacingRequestConfig(requestConfig, underWay));
    }

    /**
     * NetworkHttpClient sets {@code HttpClient.DEFAULT_REQUEST_CONFIG} on every request, and its 30.5 s connect
     * timeout would win over the connection manager's. This handler runs first in Apache's execution chain, before
     * the connection is leased and opened, and puts our settings back (the connect timeout then comes from the
     * connection config). A plain request interceptor would be too late: those run once connected. It also hands
     * the call's connection to the call's deadline (see {@link #makeRequest}).
     */
    private static ExecChainHandler replacingRequestConfig(RequestConfig requestConfig,
                                                           ThreadLocal<AtomicReference<ExecRuntime>> underWay) {
        return (request, scope, chain) -> {
            AtomicReference<ExecRuntime> call = underWay.get();
            if (call != null) {
                call.set(scope.execRuntime);
            }
            scope.clientContext.setRequestConfig(requestConfig);
            return chain.proceed(request, scope);
        };
    }

    /** The SDK's client, with a way to release its connection pool. */
    private static final class ClosableNetworkClient extends NetworkHttpClient {
        ClosableNetworkClient(HttpClientBuilder builder) {
            super(builder);
        }

        void close() throws IOException {
            client.close();
        }
    }
}
