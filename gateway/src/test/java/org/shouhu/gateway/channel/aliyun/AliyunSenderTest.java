package org.shouhu.gateway.channel.aliyun;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.channel.ChannelSenderContract;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;

/**
 * The official SDK through {@link AliyunSender} against a stubbed Aliyun SMS API: the SendSms call every message kind
 * makes (SignName, TemplateCode, TemplateParam, OutId, the number without +86), and how Aliyun's refusals are read.
 */
class AliyunSenderTest extends ChannelSenderContract {

    @RegisterExtension
    static final WireMockExtension ALIYUN = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    static final String GRANDMA = "+8613912345678";
    static final String SIGN = "守护托管";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\{\\{[#^]?\\s*([A-Za-z0-9_]+)\\s*}}");

    /** Every kind's code in tests: {@code SMS_100000} + its position. */
    static Map<TemplateKey, String> codes() {
        Map<TemplateKey, String> codes = new EnumMap<>(TemplateKey.class);
        for (TemplateKey key : TemplateKey.values()) {
            codes.put(key, code(key));
        }
        return codes;
    }

    static String code(TemplateKey key) {
        return "SMS_" + (100000 + key.ordinal());
    }

    static AliyunSettings settings(String endpoint) {
        return new AliyunSettings("LTAI5tTestKeyId", "test-secret", SIGN, codes(), URI.create(endpoint),
                "push-token-0123456789abcdef", List.of());
    }

    private AliyunSender sender;

    @Override
    protected ChannelSender sender() {
        if (sender == null) {
            sender = new AliyunSender(settings(ALIYUN.baseUrl()));
        }
        return sender;
    }

    @Override
    protected String channel() {
        return "sms";
    }

    @Override
    protected RenderedMessage message(String id) {
        return message(id, GRANDMA, TemplateKey.NO_SHOW_ALERT, Map.of("child", "张小刚"));
    }

    @Override
    protected String recipientDigits() {
        return "13912345678";
    }

    @Override
    protected void providerAccepts() {
        answer(ok("9006197469364984^0"));
    }

    @Override
    protected void providerFails() {
        answer(error(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."));
    }

    @Override
    protected void providerThrottles() {
        answer(error(400, "Throttling.User", "Request was denied due to user flow control."));
    }

    @Override
    protected void providerDropsTheConnection() {
        answer(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    }

    @Override
    protected int providerCalls() {
        return ALIYUN.findAll(anyRequestedFor(anyUrl())).size();
    }

    static RenderedMessage message(String id, String to, TemplateKey key, Map<String, String> params) {
        return new RenderedMessage(StoredMessage.queued(new OutboundMessage(id, new Address(to), key, params,
                MessageClass.SAFETY), Instant.EPOCH), "【守护托管】rendered text, not sent to Aliyun", 1);
    }

    private static void answer(ResponseDefinitionBuilder response) {
        ALIYUN.stubFor(post(urlPathEqualTo("/")).withHeader("x-acs-action", com.github.tomakehurst.wiremock.client.WireMock
                .equalTo("SendSms")).willReturn(response));
    }

    static ResponseDefinitionBuilder ok(String bizId) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"" + bizId + "\",\"RequestId\":\"F655A8D5-B967-440B-8683-DAD6FF8DE990\"}");
    }

    /** An answer with Aliyun's code: in a 200's body ({@code isv.*}) or with an error status. */
    static ResponseDefinitionBuilder error(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody("{\"Code\":\"" + code + "\",\"Message\":\"" + message + "\",\"RequestId\":\"A1B2\"}");
    }

    /** The variables of a kind's SMS template (its Mustache names, sections included), each with a sample value. */
    static Map<String, String> sampleValues(TemplateKey key) throws IOException {
        String file = "shouhu/templates/zh-CN/sms/" + key.fileName() + ".mustache";
        try (InputStream in = AliyunSenderTest.class.getClassLoader().getResourceAsStream(file)) {
            Matcher m = VARIABLE.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, String> values = new LinkedHashMap<>();
            while (m.find()) {
                values.put(m.group(1), "值" + m.group(1));
            }
            return values;
        }
    }

    /** What SendSms received, its parameters as the SDK put them in the query. */
    private static Map<String, String> sent() {
        List<LoggedRequest> requests = ALIYUN.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, requests.size(), "one SendSms call");
        LoggedRequest r = requests.get(0);
        Map<String, String> query = new TreeMap<>();
        for (String name : List.of("PhoneNumbers", "SignName", "TemplateCode", "TemplateParam", "OutId")) {
            var p = r.queryParameter(name);
            if (p.isPresent()) {
                query.put(name, p.firstValue());
            }
        }
        query.put("action", r.getHeader("x-acs-action"));
        return query;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TemplateKey.class)
    void eachKindGoesAsItsTemplateCodeWithItsValuesTheSignatureAndOurId(TemplateKey key) throws Exception {
        answer(ok("900619746936498" + key.ordinal() + "^0"));
        Map<String, String> values = sampleValues(key);

        SendReceipt receipt = sender().send(message("m1796410929122003", GRANDMA, key, values));

        Map<String, String> expected = new TreeMap<>(Map.of("action", "SendSms", "PhoneNumbers", "13912345678",
                "SignName", SIGN, "TemplateCode", code(key), "OutId", "m1796410929122003"));
        if (!values.isEmpty()) {
            expected.put("TemplateParam", JSON.writeValueAsString(new TreeMap<>(values)));
        }
        assertEquals(expected, sent());
        assertEquals("900619746936498" + key.ordinal() + "^0", receipt.providerId());
    }

    @Test
    void templateParamIsAJsonObjectOfTheValuesAsTheyAre() throws Exception {
        answer(ok("1^0"));

        sender().send(message("m1", GRANDMA, TemplateKey.ARRIVAL, Map.of("child", "王小明", "time", "08:05",
                "site", "永丰小学托管点")));

        assertEquals(Map.of("child", "王小明", "time", "08:05", "site", "永丰小学托管点"),
                JSON.readValue(sent().get("TemplateParam"), Map.class));
    }

    @Test
    void onlyTheTemplatesVariablesGoAndAMissingOneGoesEmpty() throws Exception {
        answer(ok("1^0"));

        sender().send(message("m1", GRANDMA, TemplateKey.PICKUP, Map.of("child", "王小明", "time", "17:20",
                "site", "永丰小学托管点", "closes", "17:30", "rosterNo", "1"))); // no "by": the grandparent did not say who

        assertEquals(Map.of("child", "王小明", "time", "17:20", "site", "永丰小学托管点", "by", ""),
                JSON.readValue(sent().get("TemplateParam"), Map.class));
    }

    @Test
    void aNumberAbroadOrALandlineIsRefusedWithoutCallingAliyun() {
        for (String to : List.of("+15005550006", "+861069000123", "+85291234567")) {
            SendFailedException failure = assertThrows(SendFailedException.class,
                    () -> sender().send(message("m2", to, TemplateKey.ARRIVAL, Map.of())));
            assertEquals("not-mainland", failure.code(), to);
            assertFalse(failure.isTransient());
        }
        assertEquals(0, providerCalls());
    }

    @Test
    void textAloneIsRefusedSinceAliyunSendsTemplatesOnly() {
        SendFailedException failure = assertThrows(SendFailedException.class,
                () -> sender().send(new Address(GRANDMA), "free text", "m3"));
        assertEquals("no-template", failure.code());
        assertFalse(failure.isTransient());
        assertEquals(0, providerCalls());
    }

    /** One refusal by Aliyun and how the outbox must read it. */
    record Refusal(String name, int status, String code, String expectedCode, boolean isTransient, boolean throttled,
                   Duration retryAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        return Stream.of(
                new Refusal("per-number minute/hour flow control waits (or goes by chat)", 200, "isv.BUSINESS_LIMIT_CONTROL",
                        "isv.BUSINESS_LIMIT_CONTROL", true, false, AliyunFailureClassifier.RECIPIENT_WAIT),
                new Refusal("per-number day limit waits (or goes by chat)", 200, "isv.DAY_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", true,
                        false, AliyunFailureClassifier.DAY_LIMIT_WAIT),
                new Refusal("invalid number", 200, "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_NUMBER_ILLEGAL", false, false, null),
                new Refusal("template not approved", 200, "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", false, false, null),
                new Refusal("signature not approved", 200, "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL", false, false, null),
                new Refusal("a template variable missing", 200, "isv.TEMPLATE_MISSING_PARAMETERS",
                        "isv.TEMPLATE_MISSING_PARAMETERS", false, false, null),
                new Refusal("a value too long", 200, "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_LENGTH_LIMIT", false, false, null),
                new Refusal("an isv code we do not list", 200, "isv.SOMETHING_NEW", "isv.SOMETHING_NEW", false, false, null),
                new Refusal("out of credit waits for a top-up", 200, "isv.AMOUNT_NOT_ENOUGH", "isv.AMOUNT_NOT_ENOUGH", true, false, null),
                new Refusal("Aliyun's own error", 200, "isp.SYSTEM_ERROR", "isp.SYSTEM_ERROR", true, false, null),
                new Refusal("permission of the RAM user", 200, "isp.RAM_PERMISSION_DENY", "isp.RAM_PERMISSION_DENY", false, false, null),
                new Refusal("account throttled", 400, "Throttling.User", "Throttling.User", true, true, null),
                new Refusal("API throttled", 503, "Throttling.Api", "Throttling.Api", true, true, null),
                new Refusal("a wrong access key", 404, "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.NotFound", false, false, null),
                new Refusal("a wrong secret", 400, "SignatureDoesNotMatch", "SignatureDoesNotMatch", false, false, null),
                new Refusal("service unavailable", 503, "ServiceUnavailable", "ServiceUnavailable", true, false, null),
                new Refusal("a 500 with an unlisted code", 500, "UnknownError", "UnknownError", true, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void readsAliyunsRefusalOnceWithoutRetrying(Refusal r) {
        answer(error(r.status(), r.code(), "refused for 13912345678"));

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m4")));

        assertAll(r.name(),
                () -> assertEquals(r.expectedCode(), failure.code(), "code"),
                () -> assertEquals(r.isTransient(), failure.isTransient(), "transient"),
                () -> assertEquals(r.throttled(), failure.isThrottled(), "throttled"),
                () -> assertEquals(Optional.ofNullable(r.retryAfter()), failure.retryAfter(), "wait"),
                () -> assertFalse(failure.recipientOptedOut()),
                () -> assertEquals(r.code().endsWith("LIMIT_CONTROL"), failure.tryAnotherChannel(),
                        "only a limit on this one number sends the message to another channel of the person"),
                () -> assertFalse(failure.getMessage().contains("13912345678"), "reason shows the full number"));
        assertEquals(1, providerCalls(), "the SDK does not retry on its own");
    }

    @Test
    void anOkWithoutABizIdIsPermanentSinceAliyunTookTheMessage() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"Code\":\"OK\",\"Message\":\"OK\",\"RequestId\":\"r\"}"));

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m5")));

        assertEquals("no-biz-id", failure.code());
        assertFalse(failure.isTransient(), "sending again could send it twice");
    }

    @Test
    void anAliyunThatDoesNotAnswerIsATransientTimeoutAfterTheReadTimeout() {
        answer(ok("1^0").withFixedDelay(AliyunSender.READ_TIMEOUT_MS + 2_000));
        long started = System.nanoTime();

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m6")));

        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertEquals("timeout", failure.code());
        assertTrue(failure.isTransient());
        assertTrue(waited.compareTo(Duration.ofMillis(AliyunSender.READ_TIMEOUT_MS + 1_500)) < 0, "waited " + waited);
    }
}
