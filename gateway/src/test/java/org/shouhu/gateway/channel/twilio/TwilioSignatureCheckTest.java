package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shouhu.gateway.http.HttpCall;

/** The production check against signatures made by an independent implementation of Twilio's scheme. */
class TwilioSignatureCheckTest {

    private static final String PATH = TwilioInboundEndpoint.PATH;
    private static final Map<String, String> FIELDS = WebhookSigner.fields(Fixtures.text("inbound-sms.form"));

    record Case(String name, String signedUrl, Map<String, String> signedFields, Map<String, List<String>> query,
                Map<String, String> receivedFields, boolean valid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String ours = Fixtures.PUBLIC_URL + PATH;
        Map<String, String> tampered = new HashMap<>(FIELDS);
        tampered.put("Body", "到 9");
        return Stream.of(
                new Case("our URL and the fields", ours, FIELDS, Map.of(), FIELDS, true),
                new Case("with the explicit https port", "https://gw.example.cn:443" + PATH, FIELDS, Map.of(), FIELDS,
                        true),
                new Case("with a query", ours + "?site=3&day=2", FIELDS,
                        orderedQuery("site", "3", "day", "2"), FIELDS, true),
                new Case("query left out of the signature", ours, FIELDS, orderedQuery("site", "3", "day", "2"),
                        FIELDS, false),
                new Case("another host", "https://gw.example.com" + PATH, FIELDS, Map.of(), FIELDS, false),
                new Case("plain http", "http://gw.example.cn" + PATH, FIELDS, Map.of(), FIELDS, false),
                new Case("a field changed", ours, FIELDS, Map.of(), tampered, false),
                new Case("a field added", ours, Map.of("Body", "到"), Map.of(), Map.of("Body", "到", "From", "+86"),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void acceptsOnlyTwiliosSignatureOfWhatWeReceived(Case c) {
        String signature = WebhookSigner.sign(Fixtures.AUTH_TOKEN, c.signedUrl(), c.signedFields());
        HttpCall call = new HttpCall("POST", PATH, c.query(), Map.of("x-twilio-signature", signature),
                "".getBytes(StandardCharsets.UTF_8));

        assertEquals(c.valid(), new TwilioSignatureCheck(Fixtures.settings()).isValid(call, c.receivedFields()));
    }

    private static Map<String, List<String>> orderedQuery(String k1, String v1, String k2, String v2) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        query.put(k1, List.of(v1));
        query.put(k2, List.of(v2));
        return query;
    }
}
