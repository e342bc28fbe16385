package org.shouhu.routes.command;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads the body of one inbound SMS as the {@link Command} it asks for; stateless, never throws, safe to share between threads. */
public final class CommandParser {

    /**
     * Every spelling of every command word: digit, Chinese, pinyin initials, English. Spellings are
     * matched case-insensitively; traditional spellings are simplified by {@link Normalizer} first (it derives
     * them from these words), so no traditional entry belongs here. A new command is a new entry.
     */
    private static final Map<Verb, List<String>> SPELLINGS = Map.ofEntries(
            Map.entry(Verb.ACKNOWLEDGE, List.of("1", "收到", "SD", "好", "好的", "OK")),
            Map.entry(Verb.REPORT_ABSENT, List.of("2", "请假", "QJ", "ABSENT")),
            Map.entry(Verb.REQUEST_ESCORT, List.of("3", "护送", "HS", "ESCORT")),
            Map.entry(Verb.QUERY_STATUS, List.of("4", "查询", "CX", "STATUS")),
            Map.entry(Verb.HELP, List.of("0", "帮助", "BZ", "HELP", "?")),
            Map.entry(Verb.REGISTER, List.of("DJ", "登记")),
            Map.entry(Verb.OPT_OUT, List.of("TD", "T", "N", "R", "退订", "STOP", "STOPALL", "UNSUBSCRIBE",
                    "CANCEL", "END", "QUIT")),
            Map.entry(Verb.OPT_IN, List.of("KS", "开始", "START")),
            Map.entry(Verb.CHECK_IN, List.of("到", "DD", "签到")),
            Map.entry(Verb.CHECK_OUT, List.of("走", "ZZ", "签退", "接走")),
            Map.entry(Verb.MARK_ABSENT, List.of("缺", "缺勤")), // staff: "缺 3", a child whose family told them it stays home
            Map.entry(Verb.LIST_MISSING, List.of("未到", "WD")),
            Map.entry(Verb.LIST_ROSTER, List.of("名单", "MD")),
            Map.entry(Verb.APPROVE, List.of("批", "批准", "PZ")),
            Map.entry(Verb.BROADCAST, List.of("通知", "TZ")),
            Map.entry(Verb.BROADCAST_PROGRESS, List.of("进度", "TZJD")), // and 通知进度: see broadcast()
            Map.entry(Verb.RECORD_LESSON, List.of("课", "KE", "安全课")),
            Map.entry(Verb.INVITE, List.of("YQ", "邀请", "INVITE")),
            Map.entry(Verb.BIND, List.of("绑定", "BD", "BIND")),
            Map.entry(Verb.UNBIND, List.of("解绑", "JB", "UNBIND")));

    /** Verbs whose words are commands only as the whole message, so "TD" never starts a longer text and "好久不见" is no reply. */
    private static final Set<Verb> WHOLE_MESSAGE_ONLY = EnumSet.of(Verb.ACKNOWLEDGE, Verb.QUERY_STATUS, Verb.HELP,
            Verb.OPT_OUT, Verb.OPT_IN, Verb.LIST_MISSING, Verb.LIST_ROSTER, Verb.UNBIND,
            Verb.BROADCAST_PROGRESS);

    private static final Map<String, Verb> WORDS = wordIndex();
    private static final int LONGEST_WORD = WORDS.keySet().stream().mapToInt(String::length).max().orElse(0);

    /** A chat bot's deep link ({@code /start 12345678}) carries an invite code; {@code /start} alone is opt-in. */
    private static final String CHAT_START = "START";
    private static final java.util.regex.Pattern INVITE_CODE = java.util.regex.Pattern.compile("(\\d{8}|\\d{6})(?:[\\s,，]+(\\+?\\d{11,15}))?"); // 6 digits: codes issued before codes grew to 8

    private static final int UNKNOWN_TEXT_MAX = 200;
    private static final int NAME_MAX = 20;
    private static final int PICKED_UP_BY_MAX = 10;
    private static final int SITE_CODE_MIN = 2;
    private static final int SITE_CODE_MAX = 16;
    private static final int ROSTER_NUMBERS_MAX = 500;
    private static final int NUMBER_DIGITS_MAX = 9;

    /** Every command word as spelled in the table (simplified), for the check of its traditional forms. */
    static List<String> words() {
        return SPELLINGS.values().stream().flatMap(List::stream).toList();
    }

    /** Reads one SMS body; anything not understood, including null or empty, is {@link Command.Unknown}. */
    public Command parse(String body) {
        String core = Normalizer.core(Normalizer.spaced(body));
        String key = core.toUpperCase(Locale.ROOT);
        if (key.startsWith(CHAT_START) && key.length() > CHAT_START.length()) {
            return read(Verb.BIND, new Said(body, core, CHAT_START.length())); // Telegram "/start 123456"
        }
        return commandWord(core, key)
                .map(word -> read(word.verb(), new Said(body, core, word.length())))
                .orElseGet(() -> new Command.Unknown(clip(key, UNKNOWN_TEXT_MAX)));
    }

    /** The command word the message is, or else the longest one that starts it and takes arguments. */
    private static Optional<Word> commandWord(String core, String key) {
        Verb whole = WORDS.get(key);
        if (whole != null) {
            return Optional.of(new Word(whole, core.length()));
        }
        for (int length = Math.min(LONGEST_WORD, core.length() - 1); length > 0; length--) {
            Verb verb = WORDS.get(core.substring(0, length).toUpperCase(Locale.ROOT));
            if (verb != null && !WHOLE_MESSAGE_ONLY.contains(verb) && endsWord(core, length)) {
                return Optional.of(new Word(verb, length));
            }
        }
        return Optional.empty();
    }

    /** Whether the word ends at {@code length}: "DJ王" and "2小明" split there, "DJX" and "23" do not. */
    private static boolean endsWord(String core, int length) {
        char last = core.charAt(length - 1);
        char next = core.charAt(length);
        return !(isAsciiLetter(last) && isAsciiLetter(next)) && !(isAsciiDigit(last) && isAsciiDigit(next));
    }

    private static Command read(Verb verb, Said said) {
        return switch (verb) {
            case ACKNOWLEDGE -> new Command.Acknowledge();
            case QUERY_STATUS -> new Command.QueryStatus();
            case HELP -> new Command.Help();
            case OPT_OUT -> new Command.OptOut();
            case OPT_IN -> new Command.OptIn();
            case LIST_MISSING -> new Command.ListMissing();
            case LIST_ROSTER -> new Command.ListRoster();
            case REPORT_ABSENT -> optionalName(said.args(), verb, Command.ReportAbsent::new);
            case REQUEST_ESCORT -> optionalName(said.args(), verb, Command.RequestEscort::new);
            case REGISTER -> register(said.args());
            case CHECK_IN -> checkIn(said.args());
            case CHECK_OUT -> checkOut(said.args());
            case MARK_ABSENT -> rosterNumbers(said.args())
                    .filter(numbers -> !numbers.values().isEmpty() && numbers.rest().isEmpty())
                    .<Command>map(numbers -> new Command.MarkAbsent(numbers.values()))
                    .orElseGet(() -> new Command.Malformed(Verb.MARK_ABSENT));
            case APPROVE -> approve(said.args());
            case BROADCAST -> broadcast(said);
            case BROADCAST_PROGRESS -> new Command.BroadcastProgress();
            case INVITE -> said.args().isEmpty() ? new Command.Invite(null) : new Command.Invite(clip(said.args(), NAME_MAX));
            case BIND -> bind(said.args());
            case UNBIND -> new Command.Unbind();
            case RECORD_LESSON -> said.args().isEmpty() ? new Command.Malformed(Verb.RECORD_LESSON)
                    : new Command.RecordLesson(clip(said.args(), LESSON_MAX));
        };
    }

    /** The longest lesson topic kept ({@code 防溺水}, {@code 交通安全}…). */
    private static final int LESSON_MAX = 12;

    private static Command optionalName(String args, Verb verb, Function<String, Command> command) {
        if (args.isEmpty()) {
            return command.apply(null);
        }
        return isName(args) ? command.apply(args) : new Command.Malformed(verb);
    }

    /** "王小明 ZT0427": the site code is the trailing run of ASCII letters and digits, the name is what comes before. */
    private static Command register(String args) {
        int codeStart = args.length();
        while (codeStart > 0 && isAsciiLetterOrDigit(args.charAt(codeStart - 1))) {
            codeStart--;
        }
        String code = args.substring(codeStart);
        String name = stripSeparators(args.substring(0, codeStart));
        if (code.length() < SITE_CODE_MIN || code.length() > SITE_CODE_MAX || !isName(name)) {
            return new Command.Malformed(Verb.REGISTER);
        }
        return new Command.Register(name, code.toUpperCase(Locale.ROOT));
    }

    private static Command checkIn(String args) {
        return rosterNumbers(args)
                .filter(numbers -> !numbers.values().isEmpty() && numbers.rest().isEmpty())
                .<Command>map(numbers -> new Command.CheckIn(numbers.values()))
                .orElseGet(() -> new Command.Malformed(Verb.CHECK_IN));
    }

    /** "3 5 奶奶": roster numbers, then optionally who took the children. */
    private static Command checkOut(String args) {
        return rosterNumbers(args)
                .filter(numbers -> !numbers.values().isEmpty())
                .<Command>map(numbers -> new Command.CheckOut(numbers.values(),
                        numbers.rest().isEmpty() ? null : clip(numbers.rest(), PICKED_UP_BY_MAX)))
                .orElseGet(() -> new Command.Malformed(Verb.CHECK_OUT));
    }

    /** "12345678" or "12345678 13912345678": an invite code (8 digits, or 6 from before), and optionally the parent's own phone. */
    private static Command bind(String args) {
        java.util.regex.Matcher m = INVITE_CODE.matcher(args.strip());
        if (!m.matches()) {
            return new Command.Malformed(Verb.BIND);
        }
        return new Command.Bind(m.group(1), m.group(2));
    }

    private static Command approve(String args) {
        int requestNo = positiveNumber(args, 0, args.length());
        return requestNo > 0 ? new Command.Approve(requestNo) : new Command.Malformed(Verb.APPROVE);
    }

    /**
     * The notice as staff typed it: case, inner and final punctuation (full-width "，" too) kept. A
     * notice that is only a progress word ({@code 通知进度}, {@code 通知 進度}, {@code TZ TZJD}…) asks for
     * the progress instead: a broadcast of the word "进度" to every guardian is never what was meant.
     */
    private static Command broadcast(Said said) {
        if (said.args().isEmpty()) {
            return new Command.Malformed(Verb.BROADCAST);
        }
        String asWord = Normalizer.core(Normalizer.spaced(said.args())).toUpperCase(Locale.ROOT);
        if (WORDS.get(asWord) == Verb.BROADCAST_PROGRESS) {
            return new Command.BroadcastProgress();
        }
        String typed = said.typedArgs();
        return new Command.Broadcast(typed.isEmpty() ? said.args() : typed);
    }

    /**
     * Reads roster numbers from the front of {@code text} ("3 5 7", "3,5,7", "3、5", "1-5"), dropping
     * repeats, and keeps what follows them. Empty when a number is 0 or too long, a range is backwards
     * or unfinished, or the numbers (ranges counted in full) pass {@value #ROSTER_NUMBERS_MAX}.
     */
    private static Optional<RosterNumbers> rosterNumbers(String text) {
        Set<Integer> values = new LinkedHashSet<>();
        int counted = 0;
        int i = 0;
        while (i < text.length() && isAsciiDigit(text.charAt(i))) {
            int end = digitsEnd(text, i);
            int first = positiveNumber(text, i, end);
            int last = first;
            int dash = skipSpaces(text, end);
            if (dash < text.length() && isRangeDash(text.charAt(dash))) {
                int from = skipSpaces(text, dash + 1);
                end = digitsEnd(text, from);
                last = positiveNumber(text, from, end);
            }
            if (first < 1 || last < first || last - first + 1 > ROSTER_NUMBERS_MAX - counted) {
                return Optional.empty();
            }
            counted += last - first + 1;
            for (int n = first; n <= last; n++) {
                values.add(n);
            }
            i = skipSeparators(text, end);
        }
        return Optional.of(new RosterNumbers(List.copyOf(values), text.substring(i)));
    }

    /** The number written in {@code text[start, end)} if it is 1 to 9 ASCII digits and not 0, else -1. */
    private static int positiveNumber(String text, int start, int end) {
        if (end <= start || end - start > NUMBER_DIGITS_MAX) {
            return -1;
        }
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!isAsciiDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > 0 ? value : -1;
    }

    private static int digitsEnd(String text, int start) {
        int i = start;
        while (i < text.length() && isAsciiDigit(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String text, int start) {
        int i = start;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static int skipSeparators(String text, int start) {
        int i = start;
        while (i < text.length() && isSeparator(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String stripSeparators(String text) {
        int start = skipSeparators(text, 0);
        int end = text.length();
        while (end > start && isSeparator(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** A child's name: 1 to 20 chars, at least one letter, no digits ("小明", "阿依古丽·买买提", "Tom"). */
    private static boolean isName(String text) {
        return !text.isEmpty() && text.length() <= NAME_MAX
                && text.codePoints().noneMatch(Character::isDigit)
                && text.codePoints().anyMatch(Character::isLetter);
    }

    /** What may stand between a command word and its arguments, or between roster numbers: space , ， 、 : ： ; ； and closing brackets. */
    private static boolean isSeparator(char c) {
        return switch (c) {
            case ' ', ',', '，', '、', ':', '：', ';', '；' -> true;
            default -> Character.getType(c) == Character.END_PUNCTUATION;
        };
    }

    private static boolean isRangeDash(char c) {
        return c == '~' || c == '～' || Character.getType(c) == Character.DASH_PUNCTUATION;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || isAsciiDigit(c);
    }

    /** At most {@code max} chars of {@code text}, never cutting a surrogate pair in half. */
    private static String clip(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    private static Map<String, Verb> wordIndex() {
        Map<String, Verb> index = new HashMap<>();
        SPELLINGS.forEach((verb, words) -> words.forEach(word -> {
            Verb earlier = index.put(word.toUpperCase(Locale.ROOT), verb);
            if (earlier != null) {
                throw new IllegalStateException("command word " + word + " means both " + earlier + " and " + verb);
            }
        }));
        return Map.copyOf(index);
    }

    /** A command word found at the start of a message: what it means and how many chars it takes. */
    private record Word(Verb verb, int length) {
    }

    /**
     * One message and where its command word ends.
     *
     * @param body       the body as received, for text we pass on as typed
     * @param core       the body normalized but with its case kept ({@link Normalizer#core})
     * @param wordLength the length of the command word at the start of {@code core}
     */
    private record Said(String body, String core, int wordLength) {

        /** What follows the command word, normalized, case kept, without leading separators. */
        String args() {
            return skipLeading(core);
        }

        /** What follows the command word with punctuation as typed; the word has the same length in both forms. */
        String typedArgs() {
            String typed = Normalizer.spacedKeepingPunctuation(body);
            return skipLeading(typed.substring(Math.min(typed.length(), Normalizer.coreStart(typed))));
        }

        private String skipLeading(String text) {
            return text.substring(skipSeparators(text, Math.min(wordLength, text.length())));
        }
    }

    /** Roster numbers read from the front of a text, and the text after them. */
    private record RosterNumbers(List<Integer> values, String rest) {
    }
}
