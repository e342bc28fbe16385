package org.shouhu.gateway.channel.wechat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens the {@code Encrypt} text of a safe-mode (安全模式) callback as WeChat's message crypto specifies it.
 *
 * <p>The key is the EncodingAESKey read as Base64 (with the one missing {@code =}): 32 bytes, AES-256; the IV is its
 * first 16 bytes. The text is Base64 of AES-CBC ciphertext whose plaintext is padded PKCS#7-style to a multiple of
 * 32 bytes (not AES's 16, so the JDK's PKCS5Padding cannot strip it) and reads {@code random(16) ‖ length(4, big
 * endian) ‖ message ‖ AppID}. Only decryption lives here: the gateway never replies passively, so it never encrypts.
 */
final class WechatCrypto {

    /** The padding block of WeChat's PKCS#7. */
    static final int BLOCK = 32;
    private static final int RANDOM_BYTES = 16;
    private static final int LENGTH_BYTES = 4;

    private final SecretKeySpec key;
    private final IvParameterSpec iv;

    /** @param aesKey the 43-character EncodingAESKey */
    WechatCrypto(String aesKey) {
        byte[] raw = Base64.getDecoder().decode(aesKey + "=");
        if (raw.length != 32) {
            throw new IllegalArgumentException("an EncodingAESKey is 43 Base64 characters (32 bytes)");
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.iv = new IvParameterSpec(Arrays.copyOf(raw, 16));
    }

    /** What an {@code Encrypt} text holds: the message (XML) and the AppID it was encrypted for. */
    record Opened(String message, String appId) {
    }

    /** A text that is not a message encrypted with our key: bad Base64, length, padding, layout or UTF-8. */
    static final class UnreadableException extends Exception {
        UnreadableException(String reason) {
            super(reason);
        }
    }

    /** Decrypts an {@code Encrypt} text; the caller checks the AppID. */
    Opened decrypt(String encrypt) throws UnreadableException {
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(encrypt.strip());
        } catch (IllegalArgumentException e) {
            throw new UnreadableException("not Base64");
        }
        if (ciphertext.length == 0 || ciphertext.length % BLOCK != 0) {
            throw new UnreadableException("not a whole number of " + BLOCK + "-byte blocks");
        }
        byte[] plain = withoutPadding(aes(ciphertext));
        if (plain.length < RANDOM_BYTES + LENGTH_BYTES) {
            throw new UnreadableException("too short");
        }
        int length = ByteBuffer.wrap(plain, RANDOM_BYTES, LENGTH_BYTES).getInt();
        int messageStart = RANDOM_BYTES + LENGTH_BYTES;
        if (length < 0 || length > plain.length - messageStart) {
            throw new UnreadableException("message length out of range");
        }
        String message = utf8(Arrays.copyOfRange(plain, messageStart, messageStart + length));
        String appId = utf8(Arrays.copyOfRange(plain, messageStart + length, plain.length));
        return new Opened(message, appId);
    }

    private byte[] aes(byte[] ciphertext) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, iv);
            return cipher.doFinal(ciphertext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot run AES-256-CBC", e);
        }
    }

    /** Strips WeChat's PKCS#7 padding: 1 to 32 bytes, each holding the count. */
    private static byte[] withoutPadding(byte[] padded) throws UnreadableException {
        int pad = padded[padded.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK) {
            throw new UnreadableException("bad padding");
        }
        for (int i = padded.length - pad; i < padded.length; i++) {
            if ((padded[i] & 0xff) != pad) {
                throw new UnreadableException("bad padding");
            }
        }
        return Arrays.copyOf(padded, padded.length - pad);
    }

    private static String utf8(byte[] bytes) throws UnreadableException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UnreadableException("not UTF-8");
        }
    }
}
