package org.shouhu.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A bearer token (the admin API's, the metrics') and the check of an {@code Authorization: Bearer …} header against it, in
 * constant time: both sides are hashed first, so neither the content nor the length of the token
 * shows in how long a wrong guess takes.
 */
public final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private final byte[] expected;

    public BearerToken(String token) {
        this.expected = token == null || token.isEmpty() ? null : sha256(token);
    }

    /** No token configured: the admin API answers nothing. */
    public boolean isDisabled() {
        return expected == null;
    }

    /** Whether {@code authorization} (the header value, may be null) carries the token. */
    public boolean admits(String authorization) {
        if (expected == null || authorization == null
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = sha256(authorization.substring(SCHEME.length()).strip());
        return MessageDigest.isEqual(expected, given);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
