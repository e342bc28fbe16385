package org.shouhu.gateway.channel.wechat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * WeChat's callback signature: the SHA-1, in lower-case hex, of its parts sorted as strings and joined without a
 * separator. {@code signature} signs (Token, timestamp, nonce) on every callback; {@code msg_signature} adds the
 * {@code Encrypt} text of a safe-mode message.
 */
public final class WechatSignature {

    private WechatSignature() {
    }

    /** The signature of these parts (sorted here; order of the arguments does not matter). */
    public static String sign(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (String part : sorted) {
                sha1.update(part.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /**
     * Whether {@code given} is the signature of these parts, compared in constant time; false for a null or absent
     * signature or part.
     */
    public static boolean matches(String given, String... parts) {
        if (given == null || given.isEmpty()) {
            return false;
        }
        for (String part : parts) {
            if (part == null) {
                return false;
            }
        }
        byte[] expected = sign(parts).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = given.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, actual);
    }
}
