package org.shouhu.routes.care;

import java.util.regex.Pattern;

/** Whether a text carries a web address, which a notice must not (grandparents are told never to open links in an SMS). */
public final class WebAddress {

    private static final Pattern URL = Pattern.compile("(?i)(https?://|www\\.|[a-z0-9-]+\\.(com|cn|net|org|top|xyz|cc)\\b)");

    private WebAddress() {
    }

    /** True when {@code text} has something that reads as a web address. */
    public static boolean foundIn(CharSequence text) {
        return URL.matcher(text).find();
    }
}
