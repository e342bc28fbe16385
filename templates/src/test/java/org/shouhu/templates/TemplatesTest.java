package org.shouhu.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TemplatesTest {

    private static final String SIGNATURE = "【守护托管】";
    private static final Pattern URL = Pattern.compile("(?i)(https?://|www\\.|\\.(com|cn|net)\\b)");

    /** The longest values the domain lets through (names, site names and notices are capped on input). */
    private static final Map<String, String> LONGEST = longest();

    private static Map<String, String> longest() {
        Map<String, String> v = new HashMap<>();
        v.put("child", "阿依古丽·买买提木");              // 9: a long minority name
        v.put("name", "阿依古丽·买买提木");
        v.put("first", "阿依古丽·买买提木");
        v.put("digit", "2");
        v.put("site", "威信县扎西镇大河滩村儿童之家托管");      // 16: the cap on site names
        v.put("time", "17:05");
        v.put("by", "外婆和邻居王大妈");                    // 8 of the 10 allowed
        v.put("rosterNo", "942");
        v.put("guardianCount", "4");
        v.put("relation", "外祖父母");
        v.put("phone", "+8613912345678");
        v.put("requestNo", "1234");
        v.put("code", "ZT0427ABCDEFGHIJ");
        v.put("count", "42");
        v.put("missing", "38");
        v.put("present", "40");
        v.put("total", "942");
        v.put("left", "100");
        v.put("absent", "12");
        v.put("numbers", "943、944");
        v.put("max", "942");
        v.put("list", "3王小明 5李小红 7张小刚 8赵小丽 9刘小伟 10陈小芳 11杨小军 12黄小燕 13周小龙");
        v.put("names", "王小明、王小红、王小刚");
        v.put("missingNos", "3,5,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24");
        v.put("escorts", "3,5,7,8");
        v.put("children", "王小明、王小红");
        v.put("topic", "防溺水");
        v.put("lesson", "看到有人落水不要自己下水救，要大声呼救、找大人");
        v.put("closes", "17:30");
        v.put("days", "14");
        v.put("opens", "08:00");
        v.put("minutes", "15");
        // a broadcast's progress: every count at once (its hours wording: SendingTimeTest)
        v.put("out", "29999");
        v.put("delivered", "29999");
        v.put("failed", "29999");
        v.put("left", "29999");
        v.put("from", "08:00");                            // a broadcast sent in quiet hours
        v.put("guardians", "奶奶+8613912345678，爸爸+8613712340000");
        v.put("text", "明天有大雨，河水会涨，请8点前把孩子送到托管点，下午5点前来接。路上不要让孩子靠近河边和水塘。");
        return v;
    }

    private final Templates templates = Templates.smsZh();

    @ParameterizedTest
    @EnumSource(TemplateKey.class)
    void everyTemplateFitsItsSegmentBudgetWithTheLongestValues(TemplateKey key) {
        Map<String, String> values = new HashMap<>(LONGEST);
        // switch on every section at once: the longest text a status can have
        for (String flag : new String[] {"expected", "arrived", "left", "absent", "escort", "more"}) {
            values.put(flag, "1");
        }
        String sms = SIGNATURE + templates.render(key, key == TemplateKey.STATUS ? longestStatus() : values);
        assertTrue(SmsLength.segments(sms) <= key.maxSegments(),
                key + " takes " + SmsLength.segments(sms) + " segments (" + sms.length() + " chars): " + sms);
    }

    /** A status shows one state at a time; the longest is "left, picked up by, escorted". */
    private static Map<String, String> longestStatus() {
        Map<String, String> values = new HashMap<>(LONGEST);
        values.put("left", "1");
        values.put("escort", "1");
        return values;
    }

    @ParameterizedTest
    @EnumSource(TemplateKey.class)
    void noTemplateCarriesAUrlOrAnUnfilledValue(TemplateKey key) {
        String text = templates.render(key, LONGEST);
        assertFalse(URL.matcher(text).find(), key + " has a URL: " + text);
        assertFalse(text.contains("{{") || text.isBlank(), key + " renders badly: " + text);
    }

    @ParameterizedTest
    @EnumSource(TemplateKey.class)
    void everyChatTextRendersWithoutAUrl(TemplateKey key) {
        String text = Templates.chatZh().render(key, LONGEST);
        assertFalse(URL.matcher(text).find(), key + " has a URL: " + text);
        assertFalse(text.contains("{{") || text.isBlank(), key + " renders badly: " + text);
    }

    @Test
    void chatHasItsOwnWordingAndFallsBackToTheSmsText() {
        Map<String, String> values = Map.of("child", "王小明", "time", "08:05", "site", "永丰小学托管点");
        assertEquals("✅ 王小明今天 08:05 已安全到达永丰小学托管点。放学前我们会再告诉你接走的情况。回复4查询今天情况。",
                Templates.chatZh().render(TemplateKey.ARRIVAL, values));
        assertEquals(templates.render(TemplateKey.OPTED_IN, Map.of()), Templates.chatZh().render(TemplateKey.OPTED_IN, Map.of()));
    }

    @Test
    void arrivalReadsAsTheGuardianSeesIt() {
        String text = templates.render(TemplateKey.ARRIVAL,
                Map.of("child", "王小明", "time", "08:05", "site", "永丰小学托管点"));
        assertEquals("王小明 08:05 已到永丰小学托管点。回4查询 回0帮助", text);
    }

    @Test
    void pickupNamesWhoPickedUpOnlyWhenGiven() {
        Map<String, String> base = Map.of("child", "王小明", "time", "17:05", "site", "永丰小学托管点");
        assertEquals("王小明 17:05 已从永丰小学托管点接走。回4查询", templates.render(TemplateKey.PICKUP, base));
        Map<String, String> withBy = new HashMap<>(base);
        withBy.put("by", "奶奶");
        assertEquals("王小明 17:05 已从永丰小学托管点接走（奶奶）。回4查询", templates.render(TemplateKey.PICKUP, withBy));
    }

    @Test
    void valuesAreNotHtmlEscaped() {
        String text = templates.render(TemplateKey.NOTICE, Map.of("site", "永丰小学", "text", "<带上水壶> & 帽子"));
        assertEquals("永丰小学通知：<带上水壶> & 帽子", text);
    }
}
