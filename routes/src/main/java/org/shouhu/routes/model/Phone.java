package org.shouhu.routes.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A phone number in E.164 form ({@code +8613912345678}), the identity of an SMS user. */
public record Phone(String e164) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{6,14}");
    /** A mainland mobile as written at home: alone, after {@code 86} (no {@code +}), or after a trunk {@code 0}. */
    private static final Pattern CN_MOBILE_WRITTEN = Pattern.compile("(?:86)?0?(1[3-9]\\d{9})");
    /** {@code +86} then a trunk {@code 0} (as in {@code +86 (0)139…} or {@code +86 010…}). */
    private static final Pattern CN_TRUNK_ZERO = Pattern.compile("^\\+860(?=[1-9])");
    /** What people put between digits: any space, any dash, and the brackets of {@code (0)}. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\p{Z}\\p{Pd}()]");

    public Phone {
        if (e164 == null || !E164.matcher(e164).matches()) {
            throw new IllegalArgumentException("not an E.164 phone number (expected like +8613912345678)");
        }
    }

    /**
     * Reads a phone number as people write it: E.164, {@code 00} for {@code +}, or a mainland mobile number
     * ({@code 13912345678}, also with {@code 86} or a trunk {@code 0} in front), taken as +86. Full-width digits,
     * spaces, dashes and a {@code (0)} are ignored, and a trunk {@code 0} after {@code +86} is dropped
     * ({@code +86 0139…} is {@code +86139…}; no Chinese number starts with 0 after the country code). Empty when it is
     * not a phone number.
     */
    public static Optional<Phone> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = SEPARATORS.matcher(java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC))
                .replaceAll("");
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        Matcher mobile = CN_MOBILE_WRITTEN.matcher(s);
        if (mobile.matches()) {
            s = "+86" + mobile.group(1);
        }
        s = CN_TRUNK_ZERO.matcher(s).replaceFirst("+86");
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
