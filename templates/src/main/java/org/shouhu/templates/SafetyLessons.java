package org.shouhu.templates;

import java.util.List;

/**
 * The drowning-prevention rules that the daily alert repeats, one a day in turn: the six don'ts
 * (六不) for the child and the four knows (四知) for the family.
 */
public final class SafetyLessons {

    private static final List<String> DROWNING = List.of(
            "不私自下水游泳",
            "不擅自和同伴结伴游泳",
            "没有家长或老师带着，不下水游泳",
            "不到没有安全设施、没有救护人员的水域游泳",
            "不到不熟悉的河边、水塘、水库游泳",
            "看到有人落水不要自己下水救，要大声呼救、找大人",
            "知去向：随时知道孩子去了哪里",
            "知同伴：知道孩子和谁在一起",
            "知内容：知道孩子在做什么",
            "知归时：知道孩子什么时候回家");

    private SafetyLessons() {
    }

    /** The lesson for the n-th day (any whole number; it wraps around). */
    public static String drowning(long day) {
        return DROWNING.get((int) Math.floorMod(day, (long) DROWNING.size()));
    }

    public static List<String> drowningAll() {
        return DROWNING;
    }
}
