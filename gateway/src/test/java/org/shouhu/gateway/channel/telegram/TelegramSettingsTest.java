package org.shouhu.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Settings as an operator writes them. */
class TelegramSettingsTest {

    @Test
    void defaultsToTelegramsApiAndTrimsTrailingSlashes() {
        assertEquals("https://api.telegram.org",
                new TelegramSettings(Fixtures.BOT_TOKEN, Fixtures.WEBHOOK_SECRET, null).apiUrl());
        assertEquals("https://api.telegram.org",
                new TelegramSettings(Fixtures.BOT_TOKEN, Fixtures.WEBHOOK_SECRET, "  ").apiUrl());
        assertEquals("http://127.0.0.1:8089/stub",
                new TelegramSettings(Fixtures.BOT_TOKEN, Fixtures.WEBHOOK_SECRET, "http://127.0.0.1:8089/stub/").apiUrl());
    }

    @Test
    void theMethodUrlCarriesTheTokenAsTheBotApiWantsIt() {
        assertEquals("https://api.telegram.org/bot" + Fixtures.BOT_TOKEN + "/sendMessage",
                new TelegramSettings(Fixtures.BOT_TOKEN, Fixtures.WEBHOOK_SECRET, null).methodUrl("sendMessage"));
    }

    @Test
    void neverShowsTheTokenOrTheSecret() {
        String shown = Fixtures.settings().toString();

        assertFalse(shown.contains(Fixtures.BOT_TOKEN), shown);
        assertFalse(shown.contains("AAEtest"), shown);
        assertFalse(shown.contains(Fixtures.WEBHOOK_SECRET), shown);
        assertTrue(shown.contains("http://127.0.0.1:9"), shown);
    }

    @ParameterizedTest(name = "token \"{0}\"")
    @ValueSource(strings = {"", "  ", "AAEtest-no-bot-id", "7012345678:has space", "7012345678:../../x", "7012345678:"})
    void refusesATokenThatCannotBeOneWithoutShowingIt(String token) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new TelegramSettings(token, Fixtures.WEBHOOK_SECRET, null));

        assertTrue(refused.getMessage().contains("botToken"), refused.getMessage());
        assertFalse(!token.isBlank() && refused.getMessage().contains(token.strip()), refused.getMessage());
    }

    @ParameterizedTest(name = "secret \"{0}\"")
    @ValueSource(strings = {"", "with space", "秘密", "semi;colon"})
    void refusesASecretThatSetWebhookWouldRefuse(String secret) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new TelegramSettings(Fixtures.BOT_TOKEN, secret, null));

        assertTrue(refused.getMessage().contains("webhookSecret"), refused.getMessage());
    }

    @Test
    void refusesASecretLongerThanTelegramAllows() {
        assertThrows(IllegalArgumentException.class,
                () -> new TelegramSettings(Fixtures.BOT_TOKEN, "a".repeat(257), null));
        assertEquals(256, new TelegramSettings(Fixtures.BOT_TOKEN, "a".repeat(256), null).webhookSecret().length());
    }

    @ParameterizedTest(name = "apiUrl \"{0}\"")
    @ValueSource(strings = {"api.telegram.org", "ftp://api.telegram.org", "https://api.telegram.org/?x=1"})
    void refusesAnApiUrlThatIsNotOne(String apiUrl) {
        assertThrows(IllegalArgumentException.class,
                () -> new TelegramSettings(Fixtures.BOT_TOKEN, Fixtures.WEBHOOK_SECRET, apiUrl));
    }
}
