package org.shouhu.gateway.channel.telegram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The test fixtures of this package: Telegram's updates and Bot API answers, and the settings they belong to. */
final class Fixtures {

    /** Not a real token: the shape @BotFather issues, known only to the tests and the stub. */
    static final String BOT_TOKEN = "7012345678:AAEtest-NOT_A_REAL_TOKEN-0123456789ab";
    /** The secret_token our tests "gave" setWebhook. */
    static final String WEBHOOK_SECRET = "test-webhook-secret_0123456789";
    /** The private chat of the parent in the fixtures (a private chat's id is the user's id). */
    static final long PARENT_CHAT = 5839124067L;
    static final Instant NOW = Instant.parse("2025-07-15T08:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Fixtures() {
    }

    /** Settings as the webhook tests use them (the API is not called). */
    static TelegramSettings settings() {
        return settings("http://127.0.0.1:9");
    }

    static TelegramSettings settings(String apiUrl) {
        return new TelegramSettings(BOT_TOKEN, WEBHOOK_SECRET, apiUrl);
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
