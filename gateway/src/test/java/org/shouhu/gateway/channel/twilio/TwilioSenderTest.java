package org.shouhu.gateway.channel.twilio;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.gateway.channel.ChannelSenderContract;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.templates.TemplateKey;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.LoggerFactory;

/**
 * The real Twilio SDK, through our client, against a stubbed Twilio API: what is sent and how refusals are read; and
 * the outbound route's contract with every sender ({@link ChannelSenderContract}).
 */
class TwilioSenderTest extends ChannelSenderContract {

    @RegisterExtension
    static final WireMockExtension TWILIO = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String MESSAGES = "/2010-04-01/Accounts/" + Fixtures.ACCOUNT_SID + "/Messages.json";
    private static final String TEXT = "【守护】小明已于 08:00 到达营地，家长请放心。";
    private static final Address PARENT = new Address(Fixtures.PARENT_NUMBER);
    private static final String STATUS_CALLBACK = "https://gw.example.cn/twilio/status";

    private TwilioApiClient api;
    private TwilioSender contractSender;

    @Override
    protected ChannelSender sender() {
        if (contractSender == null) {
            contractSender = smsSender(Fixtures.settings(TWILIO.baseUrl()));
        }
        return contractSender;
    }

    @Override
    protected String channel() {
        return "sms";
    }

    @Override
    protected RenderedMessage message(String id) {
        return rendered(PARENT, id);
    }

    @Override
    protected String recipientDigits() {
        return Fixtures.PARENT_NUMBER.substring(3);
    }

    @Override
    protected void providerAccepts() {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
    }

    @Override
    protected void providerFails() {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(503)));
    }

    @Override
    protected void providerThrottles() {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.text("error-20429.json"))));
    }

    @Override
    protected void providerDropsTheConnection() {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse()
                .withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));
    }

    @Override
    protected int providerCalls() {
        return TWILIO.findAll(anyRequestedFor(anyUrl())).size();
    }

    @AfterEach
    void closeClient() throws IOException {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void sendsAnSmsAndReturnsTwiliosSidAndStatus() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));

        SendReceipt receipt = smsSender(Fixtures.settings(TWILIO.baseUrl())).send(PARENT, TEXT, "msg-1");

        assertEquals(new SendReceipt(Fixtures.OUTBOUND_SID, DeliveryStatus.QUEUED), receipt);
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES))
                .withBasicAuth(new BasicCredentials(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN)));
        assertEquals(Map.of("To", Fixtures.PARENT_NUMBER, "From", Fixtures.OUR_NUMBER, "Body", TEXT,
                "StatusCallback", STATUS_CALLBACK + "?m=msg-1"), sentForm());
    }

    @Test
    void theReceiptCarriesTheStatusTwilioAnswered() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(Fixtures.text("message-created.json").replace("\"status\": \"queued\"", "\"status\": \"sending\""))));

        SendReceipt receipt = smsSender(Fixtures.settings(TWILIO.baseUrl())).send(PARENT, TEXT, "msg-14");

        assertEquals(new SendReceipt(Fixtures.OUTBOUND_SID, DeliveryStatus.SENDING), receipt);
    }

    @Test
    void aMessagingServiceSendsInsteadOfTheNumber() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, Fixtures.OUR_NUMBER,
                "MG9752274e9e519418a7406176694466fa", TWILIO.baseUrl(), Fixtures.PUBLIC_URL);

        smsSender(settings).send(PARENT, TEXT, "msg-2");

        assertEquals(Map.of("To", Fixtures.PARENT_NUMBER, "MessagingServiceSid", "MG9752274e9e519418a7406176694466fa",
                "Body", TEXT, "StatusCallback", STATUS_CALLBACK + "?m=msg-2"), sentForm());
    }

    @Test
    void aPacedSlotSendsFromItsNumberOfTheList() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN,
                "+15005550006, +15005550007,+15005550008", null, TWILIO.baseUrl(), Fixtures.PUBLIC_URL);

        smsSender(settings).send(rendered(PARENT, "msg-11"), new Pacer.Slot("+15005550007", java.time.Instant.EPOCH));

        assertEquals(Map.of("To", Fixtures.PARENT_NUMBER, "From", "+15005550007", "Body", TEXT,
                "StatusCallback", STATUS_CALLBACK + "?m=msg-11"), sentForm());
    }

    @Test
    void aSlotNamingANumberNotOursSendsFromTheFirst() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN,
                "+15005550006,+15005550007", null, TWILIO.baseUrl(), Fixtures.PUBLIC_URL);

        smsSender(settings).send(rendered(PARENT, "msg-12"), new Pacer.Slot("+19999999999", java.time.Instant.EPOCH));

        assertEquals("+15005550006", sentForm().get("From"));
    }

    @Test
    void aWhatsAppSlotSendsFromItsNumberWithThePrefix() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN,
                "+14155238886,+14155238887", null, TWILIO.baseUrl(), Fixtures.PUBLIC_URL);
        api = new TwilioApiClient(TWILIO.baseUrl());

        new TwilioSender("whatsapp", settings, api).send(rendered(new Address("whatsapp:" + Fixtures.PARENT_NUMBER), "msg-13"),
                new Pacer.Slot("+14155238887", java.time.Instant.EPOCH));

        assertEquals("whatsapp:+14155238887", sentForm().get("From"));
    }

    private static RenderedMessage rendered(Address to, String id) {
        return new RenderedMessage(StoredMessage.queued(new OutboundMessage(id, to, TemplateKey.ARRIVAL, Map.of(),
                MessageClass.ROUTINE), java.time.Instant.EPOCH), TEXT, 1);
    }

    @Test
    void whatsAppSendsBothNumbersWithTheWhatsAppPrefix() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, "+14155238886", null,
                TWILIO.baseUrl(), Fixtures.PUBLIC_URL);
        api = new TwilioApiClient(TWILIO.baseUrl());
        TwilioSender whatsapp = new TwilioSender("whatsapp", settings, api);

        SendReceipt receipt = whatsapp.send(new Address("whatsapp:" + Fixtures.PARENT_NUMBER), TEXT, "msg-3");

        assertEquals("whatsapp", whatsapp.channel());
        assertEquals(Fixtures.OUTBOUND_SID, receipt.providerId());
        assertEquals(Map.of("To", "whatsapp:" + Fixtures.PARENT_NUMBER, "From", "whatsapp:+14155238886", "Body", TEXT,
                "StatusCallback", STATUS_CALLBACK + "?m=msg-3"), sentForm());
    }

    @Test
    void anApiUrlWithAPathKeepsItInFrontOfTwiliosPath() throws Exception {
        TWILIO.stubFor(post(urlEqualTo("/stub/twilio" + MESSAGES)).willReturn(created()));

        SendReceipt receipt = smsSender(Fixtures.settings(TWILIO.baseUrl() + "/stub/twilio/"))
                .send(PARENT, TEXT, "msg-4");

        assertEquals(Fixtures.OUTBOUND_SID, receipt.providerId());
    }

    @Test
    void anAddressOfAnotherChannelIsRefusedWithoutCallingTwilio() {
        TwilioSender sms = smsSender(Fixtures.settings(TWILIO.baseUrl()));

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sms.send(new Address("whatsapp:" + Fixtures.PARENT_NUMBER), TEXT, "msg-5"));

        assertEquals("wrong-channel", failure.code());
        assertFalse(failure.isTransient());
        TWILIO.verify(0, anyRequestedFor(anyUrl()));
    }

    /**
     * One refusal by Twilio and how the outbox must read it.
     *
     * @param fixture    the JSON body Twilio answers with, or null for none
     * @param retryAfter the Retry-After header Twilio sends, or null
     */
    record Refusal(String name, int httpStatus, String fixture, String retryAfter,
                   String code, boolean isTransient, boolean optedOut, Duration waitAtLeast) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("21211 invalid To", 400, "error-21211.json", null, "21211", false, false, null),
                new Refusal("21610 recipient unsubscribed", 400, "error-21610.json", null, "21610", false, true, null),
                new Refusal("21614 not a mobile", 400, "error-21614.json", null, "21614", false, false, null),
                new Refusal("20429 too many requests", 429, "error-20429.json", null, "20429", true, false, null),
                new Refusal("20429 with Retry-After", 429, "error-20429.json", "30", "20429", true, false,
                        Duration.ofSeconds(30)),
                new Refusal("30003 unreachable handset", 400, "error-30003.json", null, "30003", true, false, null),
                new Refusal("30005 unknown handset", 400, "error-30005.json", null, "30005", false, false, null),
                new Refusal("30006 landline", 400, "error-30006.json", null, "30006", false, false, null),
                new Refusal("503 without body", 503, null, null, "http-503", true, false, null),
                new Refusal("503 without body, Retry-After", 503, null, "120", "http-503", true, false,
                        Duration.ofMinutes(2)),
                new Refusal("404 without body", 404, null, null, "http-404", false, false, null),
                new Refusal("401 bad credentials", 401, "error-20003.json", null, "20003", false, false, null),
                new Refusal("500 with a code we do not list", 500, "error-20500.json", null, "20500", true, false,
                        null),
                new Refusal("201 that cannot be read: taken, so not sent again", 201, "not-json.txt", null,
                        "http-201", false, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void readsTwiliosRefusalOnceWithoutRetrying(Refusal r) {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(refusal(r)));
        TwilioSender sms = smsSender(Fixtures.settings(TWILIO.baseUrl()));

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sms.send(PARENT, TEXT, "msg-6"));

        assertAll(r.name(),
                () -> assertEquals(r.code(), failure.code(), "code"),
                () -> assertEquals(r.isTransient(), failure.isTransient(), "transient"),
                () -> assertEquals(r.optedOut(), failure.recipientOptedOut(), "opted out"),
                () -> assertEquals(Optional.ofNullable(r.waitAtLeast()), failure.retryAfter(), "retry after"),
                () -> assertFalse(failure.getMessage().contains("13912345678"), "reason shows the full number"));
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    }

    @Test
    void aTwilioThatTricklesItsAnswerIsCutAtTheCallDeadline() {
        // headers at once, then the body a chunk a second for six seconds: no single read waits past 2 s
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created().withChunkedDribbleDelay(6, 6000)));
        api = new TwilioApiClient(TWILIO.baseUrl(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(1500));
        TwilioSender sms = new TwilioSender("sms", Fixtures.settings(TWILIO.baseUrl()), api);

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> sms.send(PARENT, TEXT, "msg-9"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(3000)) < 0, "cut after " + waited);
    }

    @Test
    void a429IsAThrottleNotAFailedAttempt() throws Exception {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}")));
        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> smsSender(Fixtures.settings(TWILIO.baseUrl())).send(PARENT, TEXT, "msg-10"));
        assertTrue(failure.isThrottled());
        assertTrue(failure.isTransient());
        assertEquals(Optional.of(Duration.ofSeconds(1)), failure.retryAfter(), "as sent: the outbox clamps it");
    }

    @Test
    void aTwilioThatDoesNotAnswerInTimeIsATransientTimeout() {
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created().withFixedDelay(3000)));
        api = new TwilioApiClient(TWILIO.baseUrl(), Duration.ofSeconds(1), Duration.ofMillis(300));
        TwilioSender sms = new TwilioSender("sms", Fixtures.settings(TWILIO.baseUrl()), api);

        long started = System.nanoTime();
        SendFailedException failure = assertThrows(SendFailedException.class, () -> sms.send(PARENT, TEXT, "msg-7"));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(2500)) < 0, "gave up after " + waited);
        TWILIO.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    }

    @Test
    void aClosedPortIsATransientConnectionFailure() throws Exception {
        String closed = "http://127.0.0.1:" + closedPort();

        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> smsSender(Fixtures.settings(closed)).send(PARENT, TEXT, "msg-8"));

        assertEquals("connection", failure.code());
        assertTrue(failure.isTransient());
    }

    @Test
    void aConnectionThatHangsGivesUpAfterOurConnectTimeoutNotTheSdks() throws Exception {
        try (ServerSocket unanswered = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             BacklogFiller filler = new BacklogFiller(unanswered)) {
            assumeTrue(filler.fill(), "this system does not let a full accept queue hang new connections");
            api = new TwilioApiClient("http://127.0.0.1:" + unanswered.getLocalPort(), Duration.ofMillis(500),
                    Duration.ofSeconds(10));
            TwilioSender sms = new TwilioSender("sms", Fixtures.settings(api.apiUrl()), api);

            long started = System.nanoTime();
            SendFailedException failure = assertThrows(SendFailedException.class,
                    () -> sms.send(PARENT, TEXT, "msg-11"));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);

            assertEquals("timeout", failure.code());
            assertTrue(failure.isTransient());
            assertTrue(waited.compareTo(Duration.ofSeconds(5)) < 0, "gave up after " + waited + ", not 0.5 s");
        }
    }

    @Test
    void logsShowNeitherTheFullNumberNorTheText() {
        ListAppender<ILoggingEvent> logs = captureLogs();
        TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(created()));
        TwilioSender sms = smsSender(Fixtures.settings(TWILIO.baseUrl()));
        assertThrows(SendFailedException.class, () -> {
            sms.send(PARENT, TEXT, "msg-9");
            TWILIO.stubFor(post(urlEqualTo(MESSAGES)).willReturn(refusal(
                    new Refusal("", 400, "error-21211.json", null, null, false, false, null))));
            sms.send(PARENT, TEXT, "msg-10");
        });

        assertEquals(2, logs.list.size(), "one line per send");
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage();
            assertTrue(line.contains("139****5678"), line);
            assertFalse(line.contains("13912345678") || line.contains("小明"), line);
        }
    }

    private TwilioSender smsSender(TwilioSettings settings) {
        api = new TwilioApiClient(settings.apiUrl());
        return new TwilioSender("sms", settings, api);
    }

    private static ResponseDefinitionBuilder created() {
        return aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(Fixtures.text("message-created.json"));
    }

    private static ResponseDefinitionBuilder refusal(Refusal r) {
        ResponseDefinitionBuilder response = aResponse().withStatus(r.httpStatus());
        if (r.fixture() != null) {
            response.withHeader("Content-Type", "application/json").withBody(Fixtures.text(r.fixture()));
        }
        if (r.retryAfter() != null) {
            response.withHeader("Retry-After", r.retryAfter());
        }
        return response;
    }

    /** The form the stub received, decoded as UTF-8 by the JDK. */
    private static Map<String, String> sentForm() {
        List<LoggedRequest> requests = TWILIO.findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        assertEquals(1, requests.size(), "requests to Twilio");
        LoggedRequest request = requests.get(0);
        assertTrue(request.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
        return WebhookSigner.fields(new String(request.getBody(), StandardCharsets.UTF_8));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Connects to a server that never accepts until the kernel's accept queue is full and new connections hang. */
    private static final class BacklogFiller implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new ArrayList<>();

        BacklogFiller(ServerSocket server) {
            this.server = server;
        }

        boolean fill() {
            for (int i = 0; i < 16; i++) {
                Socket socket = new Socket();
                held.add(socket);
                try {
                    socket.connect(server.getLocalSocketAddress(), 200);
                } catch (SocketTimeoutException e) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        Logger logger = (Logger) LoggerFactory.getLogger(TwilioSender.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }
}
