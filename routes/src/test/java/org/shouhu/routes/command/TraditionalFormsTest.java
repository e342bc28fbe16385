package org.shouhu.routes.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.houbb.opencc4j.util.ZhConverterUtil;
import com.github.houbb.opencc4j.util.ZhHkConverterUtil;
import com.github.houbb.opencc4j.util.ZhTwConverterUtil;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command word in the parser's table, written in traditional characters by a real converter (OpenCC4j: generic,
 * Taiwan and Hong Kong forms), means what the simplified word means, so the table cannot drift when words are added.
 */
class TraditionalFormsTest {

    private final CommandParser parser = new CommandParser();

    /** Each simplified command word with each traditional spelling OpenCC gives for it that differs from it. */
    static Stream<Arguments> traditionalSpellings() {
        List<Arguments> rows = new ArrayList<>();
        for (String word : CommandParser.words()) {
            Set<String> forms = new LinkedHashSet<>(List.of(ZhConverterUtil.toTraditional(word),
                    ZhTwConverterUtil.toTraditional(word), ZhHkConverterUtil.toTraditional(word)));
            forms.remove(word);
            forms.forEach(form -> rows.add(Arguments.of(word, form)));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "[{index}] {1} means {0}")
    @MethodSource("traditionalSpellings")
    void traditionalWordMeansTheSame(String simplified, String traditional) {
        assertEquals(parser.parse(simplified), parser.parse(traditional), "alone");
        assertEquals(parser.parse(simplified + " 3"), parser.parse(traditional + " 3"), "with a number");
        assertEquals(parser.parse(simplified + " 小明"), parser.parse(traditional + " 小明"), "with a name");
    }

    @Test
    void theCheckCoversTheWordsTheIssueFoundMissing() {
        Set<String> checked = new LinkedHashSet<>();
        traditionalSpellings().forEach(row -> checked.add((String) row.get()[1]));
        assertTrue(checked.containsAll(List.of("綁定", "解綁", "邀請", "課", "安全課", "簽到", "請假")),
                "OpenCC gave " + checked);
    }

    @Test
    void aNameAfterATraditionalWordIsKeptAsTyped() {
        assertEquals(new Command.ReportAbsent("單小龍"), parser.parse("請假 單小龍"));
        assertEquals(new Command.RecordLesson("防溺水"), parser.parse("課 防溺水"));
        assertEquals(new Command.Invite("小明"), parser.parse("邀請 小明"));
    }
}
