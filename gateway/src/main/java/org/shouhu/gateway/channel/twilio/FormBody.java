package org.shouhu.gateway.channel.twilio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of an {@code application/x-www-form-urlencoded} body in UTF-8, as Twilio posts its webhooks; the first
 * value of a repeated key wins.
 */
final class FormBody {

    private final Map<String, String> fields;

    private FormBody(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Reads a body; {@code +} is a space and {@code %XX} a byte. A bad escape or bad UTF-8 is refused. */
    static FormBody parse(String body) throws MalformedFormException {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return new FormBody(fields);
        }
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.putIfAbsent(name, value);
        }
        return new FormBody(fields);
    }

    /** The field's value, or null when absent. */
    String get(String name) {
        return fields.get(name);
    }

    /** The first of these fields that is present and not blank, or null. */
    String firstPresent(String... names) {
        for (String name : names) {
            String value = fields.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** All fields, in body order. */
    Map<String, String> asMap() {
        return fields;
    }

    private static String decode(String encoded) throws MalformedFormException {
        StringBuilder out = new StringBuilder(encoded.length());
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c == '%') {
                escaped.write(escapedByte(encoded, i));
                i += 3;
            } else {
                appendUtf8(escaped, out);
                out.append(c == '+' ? ' ' : c);
                i++;
            }
        }
        appendUtf8(escaped, out);
        return out.toString();
    }

    private static int escapedByte(String encoded, int percentAt) throws MalformedFormException {
        if (percentAt + 2 >= encoded.length()) {
            throw new MalformedFormException("truncated %-escape");
        }
        int high = hexValue(encoded.charAt(percentAt + 1));
        int low = hexValue(encoded.charAt(percentAt + 2));
        if (high < 0 || low < 0) {
            throw new MalformedFormException("bad %-escape");
        }
        return high << 4 | low;
    }

    /** The value of an ASCII hex digit, or -1 ({@link Character#digit} would also take other scripts' digits). */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Decodes a run of escaped bytes as one piece, so multi-byte characters split over escapes come out whole. */
    private static void appendUtf8(ByteArrayOutputStream escaped, StringBuilder out) throws MalformedFormException {
        if (escaped.size() > 0) {
            out.append(strictUtf8(escaped.toByteArray()));
            escaped.reset();
        }
    }

    private static String strictUtf8(byte[] bytes) throws MalformedFormException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedFormException("not UTF-8");
        }
    }
}
