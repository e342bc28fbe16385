package org.shouhu.gateway.admin;

import java.text.Normalizer;
import java.util.Optional;
import java.util.regex.Pattern;
import org.shouhu.routes.model.Phone;

/**
 * One field as a person typed it, cleaned the way inbound SMS are (NFKC, so full-width letters,
 * digits and colons from a Chinese input method become plain ones; invisible format characters
 * dropped; whitespace trimmed and collapsed), with the checks every kind of field shares.
 */
final class Typed {

    private static final Pattern FORMAT_CHARS = Pattern.compile("\\p{Cf}");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** What Excel writes for a long number in a column not formatted as text: {@code 1.39123E+10}. */
    private static final Pattern EXCEL_NUMBER = Pattern.compile("\\d(\\.\\d+)?E\\+\\d+", Pattern.CASE_INSENSITIVE);

    private final String field;
    private final String text;

    private Typed(String field, String text) {
        this.field = field;
        this.text = text;
    }

    /** {@code raw} cleaned; null and blank both become empty. */
    static Typed of(String field, String raw) {
        if (raw == null) {
            return new Typed(field, "");
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFKC);
        s = FORMAT_CHARS.matcher(s).replaceAll("");
        return new Typed(field, SPACES.matcher(s.strip()).replaceAll(" "));
    }

    boolean isBlank() {
        return text.isEmpty();
    }

    String text() {
        return text;
    }

    String field() {
        return field;
    }

    Typed required() {
        if (text.isEmpty()) {
            throw new InvalidInput(field, "is missing");
        }
        return this;
    }

    Typed atMost(int maxChars) {
        if (text.length() > maxChars) {
            throw invalid("is longer than " + maxChars + " characters");
        }
        return this;
    }

    /** A required phone number, read with {@link Phone#parse}. */
    Phone phone() {
        required();
        Optional<Phone> phone = Phone.parse(text);
        if (phone.isPresent()) {
            return phone.get();
        }
        if (EXCEL_NUMBER.matcher(text).matches()) {
            throw invalid("is not a phone number (a spreadsheet shortened it: format the column as text)");
        }
        throw invalid("is not a phone number");
    }

    /** The problem {@code reason} with this field, quoting what was typed. */
    InvalidInput invalid(String reason) {
        return new InvalidInput(field, "\"" + text + "\" " + reason);
    }
}
