package org.shouhu.routes.care;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.templates.SmsLength;
import org.shouhu.templates.TemplateKey;
import org.shouhu.templates.Templates;

/**
 * How much free text fits in a template's SMS budget once the signature and the fixed words are
 * counted: decides how long a notice may be and how many names a list can show.
 */
public final class TextBudget {

    private final Templates templates;
    private final String signature;

    public TextBudget(Templates templates, String signature) {
        this.templates = templates;
        this.signature = signature;
    }

    /** Characters left for {@code variable} in {@code key} when the other values are {@code values}. */
    public int room(TemplateKey key, String variable, Map<String, String> values) {
        Map<String, String> without = new HashMap<>(values);
        without.put(variable, "");
        String fixed = signature + templates.render(key, without);
        return SmsLength.ucs2Capacity(key.maxSegments()) - fixed.length();
    }

    /**
     * Joins as many items as fit in {@code room} characters, in order; the result says how many
     * were left out so the text can say "…等".
     */
    public static Fitted fit(List<String> items, String separator, int room) {
        StringBuilder joined = new StringBuilder();
        int shown = 0;
        for (String item : items) {
            int extra = (shown == 0 ? 0 : separator.length()) + item.length();
            if (joined.length() + extra > room) {
                break;
            }
            if (shown > 0) {
                joined.append(separator);
            }
            joined.append(item);
            shown++;
        }
        return new Fitted(joined.toString(), items.size() - shown);
    }

    /** A list joined to fit, and how many items it left out. */
    public record Fitted(String text, int leftOut) {
    }
}
