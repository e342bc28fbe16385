package org.shouhu.routes.care;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.shouhu.templates.TemplateKey;

/** Which notices may go to every family, and which are sent back with what to change. */
class NoticeContentTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "明天下雨，请八点前送到，下午五点半接回。                | OK",
            "7月15日8:30开学，3号楼2层，带2本书。                  | OK",
            "2026-07-15 停课一天                                  | OK",
            "发现有人落水立刻打110、120                             | OK",
            "有事打13812345678                                    | NOTICE_HAS_PHONE",
            "有事打 138 1234 5678                                 | NOTICE_HAS_PHONE",
            "有事打138-1234-5678                                  | NOTICE_HAS_PHONE",
            "有事打+86 13812345678                                | NOTICE_HAS_PHONE",
            "有事打１３８１２３４５６７８                             | NOTICE_HAS_PHONE",
            "村委会电话0870-2123456                               | NOTICE_HAS_PHONE",
            "村委会电话 2123456                                   | NOTICE_HAS_PHONE",
            "请看 www.example.com                                | NOTICE_HAS_URL",
            "详见https://x.cn/a                                  | NOTICE_HAS_URL",
            "详见 shouhu.cn ，或打13812345678                      | NOTICE_HAS_URL"})
    void aNoticeGoesOrIsSentBackWithWhatToChange(String text, String expected) {
        TemplateKey refused = NoticeContent.refusal(text.strip());
        assertEquals(expected, refused == null ? "OK" : refused.name());
    }
}
