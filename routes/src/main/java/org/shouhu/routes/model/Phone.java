package org.shouhu.routes.model;

import java.util.Optional;
import java.util.regex.Pattern;

/** A phone number in E.164 form ({@code +8613912345678}), the identity of an SMS user. */
public record Phone(String e164) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");
    private static final Pattern CN_MOBILE = Pattern.compile("1[3-9]\\d{9}");

    public Phone {
        if (e164 == null || !E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("not an E.164 phone number (expected like +8613912345678)");
        }
    }

    /**
     * Reads a phone number as people write it: E.164, or an 11-digit mainland mobile number
     * (taken as +86); spaces and hyphens are ignored. Empty when it is not a phone number.
     */
    public static Optional<Phone> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip().replace(" ", "").replace("-", "");
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        if (CN_MOBILE.matcher(s).matches()) {
            s = "+86" + s;
        }
        return E164.matcher(s).matches() ? Optional.of(new Phone(s)) : Optional.empty();
    }

    /** The number as logs may show it: mainland mobiles as {@code 139****5678}, others keep country code and last 4. */
    public String masked() {
        return mask(e164);
    }

    /** Masks any phone-like string for logs; never returns the full number. */
    public static String mask(String number) {
        if (number == null || number.isEmpty()) {
            return "?";
        }
        String n = number;
        int colon = n.indexOf(':');
        String prefix = "";
        if (colon >= 0) {
            prefix = n.substring(0, colon + 1);
            n = n.substring(colon + 1);
        }
        if (n.startsWith("+86") && n.length() == 14) {
            return prefix + n.substring(3, 6) + "****" + n.substring(10);
        }
        if (n.length() <= 4) {
            return prefix + "****";
        }
        int keepHead = n.startsWith("+") ? Math.min(3, n.length() - 4) : 0;
        return prefix + n.substring(0, keepHead) + "****" + n.substring(n.length() - 4);
    }

    private static final Pattern NUMBER = Pattern.compile("\\+?\\d{7,15}");

    /** Masks every phone-like number inside a text (a URL path, an error message) for logs. */
    public static String maskNumbers(String text) {
        return text == null ? null : NUMBER.matcher(text).replaceAll(m -> mask(m.group()));
    }

    @Override
    public String toString() {
        return masked();
    }
}
