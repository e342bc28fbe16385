package org.shouhu.routes.command;

import java.util.List;

/** What one inbound SMS asks us to do, as read by {@link CommandParser}. */
public sealed interface Command {

    /** A guardian confirms they read our message ("1", 收到, SD, 好, 好的, OK). */
    record Acknowledge() implements Command {}

    /** A guardian says a child will not come today ("2", 请假, QJ), naming the child or not ({@code null}). */
    record ReportAbsent(String childName) implements Command {}

    /** A guardian asks staff to walk a child home ("3", 护送, HS), naming the child or not ({@code null}). */
    record RequestEscort(String childName) implements Command {}

    /** Someone asks how their children stand today ("4", 查询, CX). */
    record QueryStatus() implements Command {}

    /** Someone asks which replies we understand ("0", 帮助, BZ, HELP, "?"). */
    record Help() implements Command {}

    /** A guardian links their phone to a child at a site ("DJ 王小明 ZT0427", 登记). */
    record Register(String childName, String siteCode) implements Command {}

    /** The sender wants no more messages (the whole message is TD, T, N, R, 退订, STOP, …). */
    record OptOut() implements Command {}

    /** The sender wants messages again after opting out (the whole message is KS, 开始 or START). */
    record OptIn() implements Command {}

    /** Staff record that children arrived, by roster number ("到 3 5 7", DD, 签到). */
    record CheckIn(List<Integer> rosterNos) implements Command {
        public CheckIn {
            rosterNos = List.copyOf(rosterNos);
        }
    }

    /** Staff record that children stay home today, by roster number ("缺 3 5"): a family told them, not by SMS. */
    record MarkAbsent(List<Integer> rosterNos) implements Command {
        public MarkAbsent {
            rosterNos = List.copyOf(rosterNos);
        }
    }

    /** Staff record that children left, by roster number, and who took them or {@code null} ("走 3 奶奶", ZZ, 签退, 接走). */
    record CheckOut(List<Integer> rosterNos, String pickedUpBy) implements Command {
        public CheckOut {
            rosterNos = List.copyOf(rosterNos);
        }
    }

    /** Staff ask which children have not arrived yet (未到, WD). */
    record ListMissing() implements Command {}

    /** Staff ask for the site's roster (名单, MD). */
    record ListRoster() implements Command {}

    /** Staff approve a pending request by its number ("批 12", PZ). */
    record Approve(int requestNo) implements Command {}

    /** Staff send a notice to every guardian of the site ("通知 明天下雨，请8点前送到", TZ). */
    record Broadcast(String text) implements Command {}

    /** Staff ask how far the site's latest broadcast has got (the whole message 进度, TZJD, or 通知进度). */
    record BroadcastProgress() implements Command {}

    /** Staff "课 防溺水": record today's safety lesson; every guardian of the site hears what was taught. */
    record RecordLesson(String topic) implements Command {}

    /** "YQ" (guardian: all my children, or "YQ 小明") or staff "邀请 3": make an 8-digit invite code for a parent. */
    record Invite(String child) implements Command {}

    /** "绑定 123456" / "/start 123456": follow the children an invite code names; optionally the parent's phone for SMS fallback. */
    record Bind(String code, String phone) implements Command {}

    /** "解绑": this chat account stops following its children. */
    record Unbind() implements Command {}

    /** A known command word whose arguments were missing or bad, so we can answer with that command's usage. */
    record Malformed(Verb verb) implements Command {}

    /** Anything we do not understand; {@code text} is the normalized message, at most 200 chars. */
    record Unknown(String text) implements Command {}
}
