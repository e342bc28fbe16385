package org.shouhu.routes.care;

import java.text.Normalizer;
import java.util.regex.Pattern;
import org.shouhu.templates.TemplateKey;

/**
 * What a notice or alert to every family must not carry, the one rule of the SMS command, the
 * console and the admin API: a web address (grandparents are told never to open a link in an SMS)
 * or a phone number (a domestic SMS template's content may not carry one, and a notice would spread
 * someone's number to every family).
 */
public final class NoticeContent {

    private static final Pattern URL = Pattern.compile("(?i)(https?://|www\\.|[a-z0-9-]+\\.(com|cn|net|org|top|xyz|cc)\\b)");
    /** A mainland mobile (spaces or dashes between its digits allowed), a landline with its area code, or a bare local number. */
    private static final Pattern PHONE = Pattern.compile(
            "(?<!\\d)(?:\\+?86[ -]?)?(?:1[3-9]\\d(?:[ -]?\\d){8}|0\\d{2,3}[ -]?\\d{7,8}|\\d{7,8})(?!\\d)");

    private NoticeContent() {
    }

    /** True when {@code text} has something that reads as a web address. */
    public static boolean hasWebAddress(CharSequence text) {
        return URL.matcher(text).find();
    }

    /** True when {@code text} has something that reads as a phone number (full-width digits too). */
    public static boolean hasPhoneNumber(CharSequence text) {
        return PHONE.matcher(Normalizer.normalize(text, Normalizer.Form.NFKC)).find();
    }

    /** The reply that tells the sender what to change, or null when the text may go. */
    public static TemplateKey refusal(CharSequence text) {
        if (hasWebAddress(text)) {
            return TemplateKey.NOTICE_HAS_URL;
        }
        return hasPhoneNumber(text) ? TemplateKey.NOTICE_HAS_PHONE : null;
    }
}
