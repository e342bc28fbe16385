package org.shouhu.gateway.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Settings as an operator writes them. */
class WechatSettingsTest {

    @Test
    void defaultsToWechatsApiAndReadsBlanksAsUnset() {
        WechatSettings settings = new WechatSettings(Fixtures.APP_ID, Fixtures.APP_SECRET, Fixtures.TOKEN, " ", null, "");

        assertEquals("https://api.weixin.qq.com", settings.apiUrl());
        assertNull(settings.aesKey());
        assertNull(settings.templateId());
        assertFalse(settings.safeMode());
    }

    @Test
    void neverShowsTheSecretTheTokenOrTheKey() {
        String shown = Fixtures.safeSettings().toString();

        assertTrue(shown.contains(Fixtures.APP_ID), shown);
        for (String secret : new String[] {Fixtures.APP_SECRET, Fixtures.TOKEN, Fixtures.AES_KEY}) {
            assertFalse(shown.contains(secret), shown);
        }
    }

    @Test
    void readsTheEnvironment() {
        Map<String, String> env = Map.of("WECHAT_APP_ID", Fixtures.APP_ID, "WECHAT_APP_SECRET", Fixtures.APP_SECRET,
                "WECHAT_TOKEN", Fixtures.TOKEN, "WECHAT_AES_KEY", Fixtures.AES_KEY,
                "WECHAT_API_URL", "http://127.0.0.1:8089/", "WECHAT_TEMPLATE_ID", Fixtures.TEMPLATE_ID);

        assertEquals(Optional.of(new WechatSettings(Fixtures.APP_ID, Fixtures.APP_SECRET, Fixtures.TOKEN,
                Fixtures.AES_KEY, "http://127.0.0.1:8089", Fixtures.TEMPLATE_ID)), WechatSettings.fromEnv(env));
        assertEquals(Optional.empty(), WechatSettings.fromEnv(Map.of("WECHAT_TOKEN", Fixtures.TOKEN)),
                "no AppID: the channel is off");
    }

    @Test
    void refusesWhatWechatWouldNotAccept() {
        assertThrows(IllegalArgumentException.class, () -> settingsWith("ab", null), "Token under 3 characters");
        assertThrows(IllegalArgumentException.class, () -> settingsWith("token-with-dash", null));
        assertThrows(IllegalArgumentException.class, () -> settingsWith(Fixtures.TOKEN, Fixtures.AES_KEY + "x"),
                "44-character key");
        assertThrows(IllegalArgumentException.class, () -> settingsWith(Fixtures.TOKEN, "+" + Fixtures.AES_KEY
                .substring(1)), "key with a + in it");
        assertThrows(IllegalArgumentException.class, () -> new WechatSettings(Fixtures.APP_ID, " ", Fixtures.TOKEN,
                null, null, null), "no AppSecret");
        assertThrows(IllegalArgumentException.class, () -> new WechatSettings(Fixtures.APP_ID, Fixtures.APP_SECRET,
                Fixtures.TOKEN, null, "api.weixin.qq.com", null), "API URL without scheme");
    }

    @Test
    void aBadKeyIsReportedWithoutTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settingsWith(Fixtures.TOKEN, Fixtures.AES_KEY + "x"));

        assertFalse(e.getMessage().contains(Fixtures.AES_KEY), e.getMessage());
    }

    private static WechatSettings settingsWith(String token, String aesKey) {
        return new WechatSettings(Fixtures.APP_ID, Fixtures.APP_SECRET, token, aesKey, null, null);
    }
}
