package org.shouhu.gateway.channel.wechat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's side of safe mode, written here from the specification so the production decryption is checked against
 * an independent encryption: {@code Base64(AES-256-CBC(random(16) ‖ length(4) ‖ message ‖ AppID ‖ PKCS#7 to 32))}
 * with key {@code Base64(aesKey + "=")} and the key's first 16 bytes as IV.
 */
final class Encrypter {

    private Encrypter() {
    }

    static String encrypt(String aesKey, String appId, String random16, String message) {
        return encrypt(aesKey, random16.getBytes(StandardCharsets.UTF_8), message.getBytes(StandardCharsets.UTF_8),
                appId.getBytes(StandardCharsets.UTF_8), -1);
    }

    /**
     * Encrypts raw parts; {@code padOverride} ≥ 0 writes that value into every padding byte instead of the count
     * (for broken-padding cases).
     */
    static String encrypt(String aesKey, byte[] random16, byte[] message, byte[] appId, int padOverride) {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes(random16);
        plain.writeBytes(ByteBuffer.allocate(4).putInt(message.length).array());
        plain.writeBytes(message);
        plain.writeBytes(appId);
        int pad = 32 - plain.size() % 32;
        byte[] padding = new byte[pad];
        Arrays.fill(padding, (byte) (padOverride >= 0 ? padOverride : pad));
        plain.writeBytes(padding);
        return Base64.getEncoder().encodeToString(aes(aesKey, plain.toByteArray()));
    }

    static byte[] aes(String aesKey, byte[] plain) {
        byte[] key = Base64.getDecoder().decode(aesKey + "=");
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
