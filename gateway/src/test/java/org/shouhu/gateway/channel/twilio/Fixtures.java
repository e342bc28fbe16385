package org.shouhu.gateway.channel.twilio;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The test fixtures of this package: Twilio's webhook bodies and API answers, and the settings they belong to. */
final class Fixtures {

    static final String ACCOUNT_SID = "AC5f1bc3b86c81f6b7d4a7477d92449c48";
    /** Not a real token: only the tests and the stub know it. */
    static final String AUTH_TOKEN = "test-auth-token-0123456789abcdef";
    static final String OUR_NUMBER = "+15005550006";
    static final String PUBLIC_URL = "https://gw.example.cn";
    static final String PARENT_NUMBER = "+8613912345678";
    static final String INBOUND_SMS_SID = "SM41b9958ab789c0d00a985556cc9249aa";
    static final String INBOUND_WHATSAPP_SID = "SM13885e4b62734c1cc800959ba70a703f";
    static final String OUTBOUND_SID = "SMf41f32d532b3de1a265adad580c6e64f";
    static final Instant NOW = Instant.parse("2025-07-15T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Fixtures() {
    }

    /** Settings as the webhook tests use them (the API is not called). */
    static TwilioSettings settings() {
        return settings("http://127.0.0.1:9");
    }

    static TwilioSettings settings(String apiUrl) {
        return new TwilioSettings(ACCOUNT_SID, AUTH_TOKEN, OUR_NUMBER, null, apiUrl, PUBLIC_URL);
    }

    /** A fixture file's text, without the final newline. */
    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
