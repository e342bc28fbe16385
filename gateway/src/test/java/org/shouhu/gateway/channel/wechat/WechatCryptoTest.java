package org.shouhu.gateway.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Safe-mode decryption against WeChat's official crypto demo (WXBizMsgCryptTest), and against the test's own
 * encryption, written from the specification.
 */
class WechatCryptoTest {

    @Test
    void ourEncryptionReproducesTheOfficialCiphertexts() {
        assertEquals(Fixtures.DEMO_CIPHERTEXT, Encrypter.encrypt(Fixtures.DEMO_AES_KEY, Fixtures.DEMO_APP_ID,
                Fixtures.DEMO_RANDOM, Fixtures.DEMO_PLAINTEXT));
        assertEquals(Fixtures.DEMO_VIDEO_CIPHERTEXT, Encrypter.encrypt(Fixtures.DEMO_AES_KEY, Fixtures.DEMO_APP_ID,
                Fixtures.DEMO_RANDOM, Fixtures.DEMO_VIDEO_MESSAGE));
    }

    @Test
    void decryptsTheOfficialCiphertexts() throws Exception {
        WechatCrypto crypto = new WechatCrypto(Fixtures.DEMO_AES_KEY);

        assertEquals(new WechatCrypto.Opened(Fixtures.DEMO_PLAINTEXT, Fixtures.DEMO_APP_ID),
                crypto.decrypt(Fixtures.DEMO_CIPHERTEXT));
        assertEquals(new WechatCrypto.Opened(Fixtures.DEMO_VIDEO_MESSAGE, Fixtures.DEMO_APP_ID),
                crypto.decrypt(Fixtures.DEMO_VIDEO_CIPHERTEXT));
    }

    /** Messages whose lengths put the padding everywhere from 1 to 32 bytes. */
    static Stream<String> messages() {
        return Stream.iterate("", s -> s.length() < 40, s -> s + (s.length() % 3 == 0 ? "字" : "a"));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void roundTripsEveryPaddingLength(String message) throws Exception {
        String encrypt = Encrypter.encrypt(Fixtures.AES_KEY, Fixtures.APP_ID, "0123456789abcdef", message);

        assertEquals(new WechatCrypto.Opened(message, Fixtures.APP_ID), new WechatCrypto(Fixtures.AES_KEY).decrypt(encrypt));
    }

    @Test
    void aFullBlockOfPaddingIsStripped() throws Exception {
        // 16 + 4 + 8 + 4 = 32 bytes: WeChat then pads a whole block of 32 bytes of 0x20
        String encrypt = Encrypter.encrypt(Fixtures.AES_KEY, "wx12", "0123456789abcdef", "12345678");

        assertEquals(96 - 32, Base64.getDecoder().decode(encrypt).length);
        assertEquals(new WechatCrypto.Opened("12345678", "wx12"), new WechatCrypto(Fixtures.AES_KEY).decrypt(encrypt));
    }

    /** An {@code Encrypt} text that is not a message for our key, and why. */
    record Unreadable(String name, String encrypt, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Unreadable> unreadable() {
        byte[] random = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        byte[] appId = Fixtures.APP_ID.getBytes(StandardCharsets.UTF_8);
        byte[] hello = "<xml/>".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                new Unreadable("not Base64", "jn1L23DB+6ELqJ*6bruv", "not Base64"),
                new Unreadable("empty", "", "not a whole number of 32-byte blocks"),
                new Unreadable("16 bytes: one AES block, not one of WeChat's", Base64.getEncoder().encodeToString(
                        new byte[16]), "not a whole number of 32-byte blocks"),
                new Unreadable("padding byte 0", Encrypter.encrypt(Fixtures.AES_KEY, random, hello, appId, 0),
                        "bad padding"),
                new Unreadable("padding byte 33", Encrypter.encrypt(Fixtures.AES_KEY, random, hello, appId, 33),
                        "bad padding"),
                new Unreadable("another key: garbage after decryption", Encrypter.encrypt(
                        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", random, hello, appId, -1), null),
                new Unreadable("length beyond the plaintext", Base64.getEncoder().encodeToString(Encrypter.aes(
                        Fixtures.AES_KEY, lengthBeyond())), "message length out of range"),
                new Unreadable("message not UTF-8", Encrypter.encrypt(Fixtures.AES_KEY, random,
                        new byte[] {(byte) 0xE5, (byte) 0x88}, appId, -1), "not UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void refusesWhatIsNotAMessageForOurKey(Unreadable u) {
        WechatCrypto crypto = new WechatCrypto(Fixtures.AES_KEY);

        WechatCrypto.UnreadableException e = assertThrows(WechatCrypto.UnreadableException.class,
                () -> crypto.decrypt(u.encrypt()));

        if (u.reason() != null) {
            assertEquals(u.reason(), e.getMessage());
        }
    }

    /** 32 bytes whose length field claims 1,000 message bytes, then one block of padding. */
    private static byte[] lengthBeyond() {
        byte[] plain = new byte[64];
        plain[18] = 0x03;
        plain[19] = (byte) 0xE8;
        java.util.Arrays.fill(plain, 32, 64, (byte) 32);
        return plain;
    }
}
