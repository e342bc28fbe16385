package org.shouhu.gateway.channel.wechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** WeChat's callback signature against the official vector, and the ways a forger could get it wrong. */
class WechatSignatureTest {

    /** The example of WeChat's server-URL guide (接入指南): Token AAAAA. */
    private static final String TOKEN = "AAAAA";
    private static final String TIMESTAMP = "1714036504";
    private static final String NONCE = "1514711492";
    private static final String SIGNATURE = "f464b24fc39322e44b38aa78f5edd27bd1441696";

    @Test
    void signsTheOfficialExample() {
        assertEquals(SIGNATURE, WechatSignature.sign(TOKEN, TIMESTAMP, NONCE));
    }

    @Test
    void sortsThePartsWhateverOrderTheyComeIn() {
        assertEquals(SIGNATURE, WechatSignature.sign(NONCE, TOKEN, TIMESTAMP));
        assertEquals(SIGNATURE, WechatSignature.sign(TIMESTAMP, NONCE, TOKEN));
    }

    @Test
    void acceptsTheOfficialSignature() {
        assertTrue(WechatSignature.matches(SIGNATURE, TOKEN, TIMESTAMP, NONCE));
        assertTrue(WechatSignature.matches(SIGNATURE.toUpperCase(java.util.Locale.ROOT), TOKEN, TIMESTAMP, NONCE),
                "hex case does not matter");
    }

    /** A signature and parts that must not match. */
    record Tampered(String name, String signature, String token, String timestamp, String nonce) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Tampered> tampered() {
        return Stream.of(
                new Tampered("another token", SIGNATURE, "AAAAB", TIMESTAMP, NONCE),
                new Tampered("timestamp one second later", SIGNATURE, TOKEN, "1714036505", NONCE),
                new Tampered("another nonce", SIGNATURE, TOKEN, TIMESTAMP, "1514711493"),
                new Tampered("last hex digit changed", SIGNATURE.substring(0, 39) + "7", TOKEN, TIMESTAMP, NONCE),
                new Tampered("truncated signature", SIGNATURE.substring(0, 20), TOKEN, TIMESTAMP, NONCE),
                new Tampered("signature with a byte more", SIGNATURE + "0", TOKEN, TIMESTAMP, NONCE),
                new Tampered("parts joined unsorted (token+timestamp+nonce)",
                        sha1Hex(TOKEN + TIMESTAMP + NONCE), TOKEN, TIMESTAMP, NONCE),
                new Tampered("timestamp and nonce swapped into one another", SIGNATURE, TOKEN, NONCE, TIMESTAMP + "x"),
                new Tampered("empty signature", "", TOKEN, TIMESTAMP, NONCE),
                new Tampered("no signature", null, TOKEN, TIMESTAMP, NONCE),
                new Tampered("no nonce", SIGNATURE, TOKEN, TIMESTAMP, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampered")
    void refusesATamperedSignature(Tampered t) {
        assertFalse(WechatSignature.matches(t.signature(), t.token(), t.timestamp(), t.nonce()));
    }

    @Test
    void msgSignatureAlsoCoversTheEncryptText() {
        String encrypt = Fixtures.DEMO_CIPHERTEXT;
        String msgSignature = WechatSignature.sign(TOKEN, TIMESTAMP, NONCE, encrypt);

        assertTrue(WechatSignature.matches(msgSignature, encrypt, NONCE, TIMESTAMP, TOKEN));
        assertFalse(WechatSignature.matches(msgSignature, TOKEN, TIMESTAMP, NONCE, encrypt.replace('j', 'k')));
        assertFalse(WechatSignature.matches(SIGNATURE, TOKEN, TIMESTAMP, NONCE, encrypt),
                "the plain signature is not a msg_signature");
        String sorted = String.join("", new java.util.TreeSet<>(java.util.List.of(TOKEN, TIMESTAMP, NONCE, encrypt)));
        assertEquals(sha1Hex(sorted), msgSignature);
    }

    private static String sha1Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
