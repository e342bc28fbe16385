package org.shouhu.gateway.console;

import java.security.SecureRandom;
import java.util.Base64;

/** Random tokens of the console: the login form's token and the one-time ids that make a tap act once. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** 32 random bytes, URL-safe: 43 characters. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
