package org.shouhu.gateway.channel.aliyun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.gateway.config.Config;
import org.shouhu.templates.TemplateKey;

/** ALIYUN_* from the environment: off unless the key is set, and then complete or the node does not start. */
class AliyunSettingsTest {

    /** Every kind mapped, as the file names: {@code arrival=SMS_100000,pickup=SMS_100001,…}. */
    static String allTemplates() {
        return Stream.of(TemplateKey.values()).map(k -> k.fileName() + "=" + AliyunSenderTest.code(k))
                .collect(Collectors.joining(","));
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ALIYUN_ACCESS_KEY_ID", "LTAI5tTestKeyId");
        env.put("ALIYUN_ACCESS_KEY_SECRET", "test-secret");
        env.put("ALIYUN_SMS_SIGN_NAME", "守护托管");
        env.put("ALIYUN_SMS_TEMPLATES", allTemplates());
        env.put("ALIYUN_PUSH_TOKEN", "push-token-0123456789abcdef");
        return env;
    }

    @Test
    void offWithoutAnAccessKey() {
        assertEquals(Optional.empty(), AliyunSettings.fromEnv(Map.of("ALIYUN_SMS_SIGN_NAME", "守护托管")));
        assertFalse(Config.fromEnv(Map.of()).aliyun().isPresent());
    }

    @Test
    void readsEverySetting() {
        Map<String, String> env = env();
        env.put("ALIYUN_SMS_ENDPOINT", "http://127.0.0.1:8089/");
        env.put("ALIYUN_PUSH_ALLOW", "100.104.0.0/16, 127.0.0.1");

        AliyunSettings s = Config.fromEnv(env).aliyun().orElseThrow();

        assertEquals("守护托管", s.signName());
        assertEquals("SMS_100000", s.templateCode(TemplateKey.ARRIVAL));
        assertEquals(AliyunSenderTest.code(TemplateKey.NO_SHOW_ALERT), s.templateCode(TemplateKey.NO_SHOW_ALERT));
        assertEquals("http", s.protocol());
        assertEquals("127.0.0.1:8089", s.host());
        assertEquals(java.util.List.of("100.104.0.0/16", "127.0.0.1"), s.pushAllow());
    }

    @Test
    void theEndpointIsAliyunsByDefaultAndHttpsWithoutAScheme() {
        AliyunSettings s = AliyunSettings.fromEnv(env()).orElseThrow();
        assertEquals("https", s.protocol());
        assertEquals("dysmsapi.aliyuncs.com", s.host());
        Map<String, String> env = env();
        env.put("ALIYUN_SMS_ENDPOINT", "dysmsapi.ap-southeast-1.aliyuncs.com");
        assertEquals("https://dysmsapi.ap-southeast-1.aliyuncs.com", AliyunSettings.fromEnv(env).orElseThrow().endpoint().toString());
    }

    @Test
    void aNodeWithAliyunRefusesToStartListingEveryKindWithoutATemplateCode() {
        Map<String, String> env = env();
        env.put("ALIYUN_SMS_TEMPLATES", allTemplates().replace("no-show-alert=SMS_" + (100000 + TemplateKey.NO_SHOW_ALERT.ordinal()) + ",", "")
                .replace("login-code=SMS_" + (100000 + TemplateKey.LOGIN_CODE.ordinal()), ""));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.fromEnv(env));

        assertEquals("ALIYUN_SMS_TEMPLATES has no TemplateCode for 2 message kinds (every kind may be sent by SMS): "
                + "no-show-alert,login-code", e.getMessage());
    }

    @Test
    void noTemplatesAtAllListsThemAll() {
        Map<String, String> env = env();
        env.remove("ALIYUN_SMS_TEMPLATES");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AliyunSettings.fromEnv(env));
        long smsKinds = Stream.of(TemplateKey.values()).filter(k -> !k.spokenOnly()).count(); // a voice call's text is no SMS
        assertTrue(e.getMessage().contains(smsKinds + " message kinds"), e.getMessage());
        assertTrue(e.getMessage().contains(": arrival,pickup,status,status-no-child,"), e.getMessage());
        assertTrue(e.getMessage().endsWith(",login-code"), e.getMessage());
    }

    @Test
    void kindsMayBeWrittenAsTheEnumOrTheFileNameInAnyCaseAndOnLines() {
        String templates = Stream.of(TemplateKey.values()).map(k -> (k.ordinal() % 2 == 0 ? k.name() : k.fileName().toUpperCase())
                + " = " + AliyunSenderTest.code(k)).collect(Collectors.joining("\n"));
        Map<String, String> env = env();
        env.put("ALIYUN_SMS_TEMPLATES", templates);
        assertEquals(AliyunSenderTest.codes(), AliyunSettings.fromEnv(env).orElseThrow().templates());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ALIYUN_ACCESS_KEY_SECRET||ALIYUN_ACCESS_KEY_SECRET is missing",
            "ALIYUN_SMS_SIGN_NAME||ALIYUN_SMS_SIGN_NAME is missing",
            "ALIYUN_SMS_SIGN_NAME|【守护托管】|without 【】",
            "ALIYUN_PUSH_TOKEN||ALIYUN_PUSH_TOKEN is missing",
            "ALIYUN_PUSH_TOKEN|short|24 to 128",
            "ALIYUN_PUSH_TOKEN|has/a/slash-0123456789abcdef|24 to 128",
            "ALIYUN_SMS_TEMPLATES|arrival=|\"arrival\" has no TemplateCode",
            "ALIYUN_SMS_TEMPLATES|arrivals=SMS_1|\"arrivals\" is not a message kind",
            "ALIYUN_SMS_TEMPLATES|arrival=1234|not a TemplateCode",
            "ALIYUN_SMS_TEMPLATES|arrival=SMS_1,ARRIVAL=SMS_2|names arrival twice",
            "ALIYUN_SMS_ENDPOINT|ftp://example.cn|http(s) URL",
            "ALIYUN_SMS_ENDPOINT|http://127.0.0.1:8089/stub|no path",
            "ALIYUN_PUSH_ALLOW|aliyun.com|not an IP address",
            "ALIYUN_PUSH_ALLOW|10.0.0.0/33|bad prefix length"})
    void aMalformedSettingFailsWithWhatIsWrongAndNoSecret(String name, String value, String says) {
        Map<String, String> env = env();
        env.put(name, value == null ? "" : value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AliyunSettings.fromEnv(env));
        assertTrue(e.getMessage().contains(says), e.getMessage());
        assertFalse(e.getMessage().contains("test-secret"));
    }

    @Test
    void theAllowListTakesAddressesAndRanges() throws Exception {
        Map<String, String> env = env();
        env.put("ALIYUN_PUSH_ALLOW", "100.104.0.0/16,47.96.1.2,::1");
        AliyunSettings s = AliyunSettings.fromEnv(env).orElseThrow();
        assertTrue(s.allows(InetAddress.getByName("100.104.3.4")));
        assertTrue(s.allows(InetAddress.getByName("47.96.1.2")));
        assertTrue(s.allows(InetAddress.getByName("::1")));
        assertFalse(s.allows(InetAddress.getByName("100.105.0.1")));
        assertFalse(s.allows(InetAddress.getByName("47.96.1.3")));
        assertFalse(s.allows(null), "an unknown source is not on the list");
        assertTrue(AliyunSettings.fromEnv(env()).orElseThrow().allows(null), "no list: any source");
    }

    @Test
    void neitherTheSecretNorThePushTokenIsShown() {
        String shown = AliyunSettings.fromEnv(env()).orElseThrow().toString();
        assertFalse(shown.contains("test-secret"));
        assertFalse(shown.contains("push-token-0123456789abcdef"));
    }
}
