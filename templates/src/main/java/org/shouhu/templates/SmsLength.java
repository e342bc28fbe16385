package org.shouhu.templates;

/**
 * Counts SMS segments as carriers bill them: GSM-7 text 160 characters single, 153 per part;
 * anything else (all Chinese text) UCS-2, 70 UTF-16 units single, 67 per part.
 */
public final class SmsLength {

    private static final String GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM7_EXTENDED = "^{}\\[~]|€\f";

    private SmsLength() {
    }

    /** Whether the text can go as GSM-7 (else it is sent as UCS-2). */
    public static boolean isGsm7(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (GSM7.indexOf(c) < 0 && GSM7_EXTENDED.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** How many units the text takes in its encoding (extended GSM-7 characters count twice). */
    public static int units(CharSequence text) {
        if (!isGsm7(text)) {
            return text.length();
        }
        int units = 0;
        for (int i = 0; i < text.length(); i++) {
            units += GSM7_EXTENDED.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
        }
        return units;
    }

    /** How many segments the text is sent as (an empty text still takes one). */
    public static int segments(CharSequence text) {
        boolean gsm = isGsm7(text);
        int units = units(text);
        int single = gsm ? 160 : 70;
        int part = gsm ? 153 : 67;
        return units <= single ? 1 : (units + part - 1) / part;
    }

    /** The most units a text of {@code segments} segments may have in UCS-2. */
    public static int ucs2Capacity(int segments) {
        return segments <= 1 ? 70 : 67 * segments;
    }
}
