package org.shouhu.routes.command;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Brings an SMS body to the one form command words are looked up in, whatever phone and input
 * method typed it: full-width or half-width, any case, stray spaces and punctuation, traditional
 * command words.
 */
public final class Normalizer {

    /**
     * The traditional form of each simplified character used in a command word. Every word in {@link CommandParser}'s
     * table is also known spelled with these, so a new word made of these characters needs nothing here; a test checks
     * the whole vocabulary against OpenCC, so a word with a new character fails until its character is added.
     */
    private static final Map<Character, Character> TRADITIONAL_CHARACTERS = Map.ofEntries(
            Map.entry('帮', '幫'),
            Map.entry('请', '請'),
            Map.entry('护', '護'),
            Map.entry('询', '詢'),
            Map.entry('记', '記'),
            Map.entry('开', '開'),
            Map.entry('订', '訂'),
            Map.entry('单', '單'),
            Map.entry('签', '簽'),
            Map.entry('课', '課'),
            Map.entry('绑', '綁'),
            Map.entry('进', '進'));

    /** Command words whose regional traditional form is another word, not the same word in other characters. */
    private static final Map<String, String> REGIONAL_WORDS = Map.of(
            "繫結", "绑定"); // Taiwan

    /** Traditional spelling of a command word → the simplified word, longest first; only a message's leading word is converted, never names or free text. */
    private static final List<Map.Entry<String, String>> TRADITIONAL_COMMAND_WORDS = traditionalCommandWords();

    private static final char REPLACEMENT = '\uFFFD';

    private Normalizer() {
    }

    /**
     * The body as command words are looked up: NFKC (full-width to half-width), upper case, runs of
     * whitespace as one space, no whitespace or punctuation at either end, a traditional leading
     * command word in simplified form. A body of only question marks becomes {@code "?"}; null becomes "".
     */
    public static String normalize(String body) {
        return core(spaced(body)).toUpperCase(Locale.ROOT);
    }

    /** The body NFKC'd, with invisible format characters dropped and whitespace collapsed and trimmed; case and punctuation kept. */
    static String spaced(String body) {
        return body == null ? "" : collapseSpaces(nfkc(withoutLoneSurrogates(body)));
    }

    /** Like {@link #spaced} but punctuation is kept exactly as typed ("，" stays full-width), for text we pass on to people. */
    static String spacedKeepingPunctuation(String body) {
        return body == null ? "" : collapseSpaces(nfkcExceptPunctuation(withoutLoneSurrogates(body)));
    }

    /** The {@link #spaced} text without spaces and punctuation at its ends, its leading command word simplified; case kept. */
    static String core(String spaced) {
        int start = coreStart(spaced);
        int end = coreEnd(spaced, start);
        if (start == end) {
            return isOnlyQuestionMarks(spaced) ? "?" : "";
        }
        return simplifyCommandWord(spaced.substring(start, end));
    }

    /** Where {@link #core} begins in a spaced text: the index after its leading spaces and punctuation. */
    static int coreStart(String spaced) {
        int i = 0;
        while (i < spaced.length()) {
            int cp = spaced.codePointAt(i);
            if (!isEdge(cp)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    /** Whether a character is punctuation, ASCII or CJK ("。，、！？；：…·“”「」（）" and the wave dash "～"). */
    static boolean isPunctuation(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> cp == '~' || cp == '～';
        };
    }

    private static int coreEnd(String spaced, int start) {
        int i = spaced.length();
        while (i > start) {
            int cp = spaced.codePointBefore(i);
            if (!isEdge(cp)) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return i;
    }

    private static boolean isEdge(int cp) {
        return cp == ' ' || isPunctuation(cp);
    }

    private static boolean isOnlyQuestionMarks(String spaced) {
        return spaced.indexOf('?') >= 0 && spaced.chars().allMatch(c -> c == '?' || c == ' ');
    }

    private static String simplifyCommandWord(String core) {
        for (Map.Entry<String, String> word : TRADITIONAL_COMMAND_WORDS) {
            if (core.startsWith(word.getKey())) {
                return word.getValue() + core.substring(word.getKey().length());
            }
        }
        return core;
    }

    private static List<Map.Entry<String, String>> traditionalCommandWords() {
        Map<String, String> words = new HashMap<>(REGIONAL_WORDS);
        for (String word : CommandParser.words()) {
            StringBuilder traditional = new StringBuilder(word.length());
            word.chars().forEach(c -> traditional.append(TRADITIONAL_CHARACTERS.getOrDefault((char) c, (char) c)));
            if (!traditional.toString().equals(word)) {
                words.put(traditional.toString(), word);
            }
        }
        List<Map.Entry<String, String>> longestFirst = new ArrayList<>(words.entrySet());
        longestFirst.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed()
                .thenComparing(Map.Entry::getKey));
        return List.copyOf(longestFirst);
    }

    private static String nfkc(String text) {
        return java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC);
    }

    private static String nfkcExceptPunctuation(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int runStart = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isPunctuation(cp)) {
                out.append(nfkc(text.substring(runStart, i))).appendCodePoint(cp);
                runStart = next;
            }
            i = next;
        }
        return out.append(nfkc(text.substring(runStart))).toString();
    }

    /** Replaces unpaired surrogates (broken UTF-16 from a bad decoder) so nothing downstream trips on them. */
    private static String withoutLoneSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(REPLACEMENT);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** Drops format characters (zero-width space, BOM…), turns each run of whitespace or control characters into one space, trims. */
    private static String collapseSpaces(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean spaceDue = false;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.FORMAT) {
                continue;
            }
            if (isBlank(cp)) {
                spaceDue = out.length() > 0;
                continue;
            }
            if (spaceDue) {
                out.append(' ');
                spaceDue = false;
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    private static boolean isBlank(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL;
    }
}
