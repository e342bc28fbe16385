package org.shouhu.templates;

import java.util.Locale;

/**
 * Every message text Shouhu sends, with the SMS segment budget it must fit (signature included):
 * one 70-character UCS-2 segment for the daily confirmations and status, at most three for any.
 */
public enum TemplateKey {
    ARRIVAL(1),
    PICKUP(1),
    STATUS(1),
    STATUS_NO_CHILD(3),
    ACKNOWLEDGED(1),
    ABSENCE_RECORDED(1),
    ABSENCE_TO_STAFF(1),
    ESCORT_REQUESTED(1),
    ESCORT_TO_STAFF(1),
    WHICH_CHILD(3),
    HELP_GUARDIAN(3),
    HELP_STAFF(3),
    REGISTER_RECEIVED(3),
    REGISTER_RECEIVED_ALREADY(1),
    REGISTER_UNKNOWN_SITE(1),
    REGISTER_TO_STAFF(3),
    REGISTER_WELCOME(3),
    REGISTER_APPROVED(1),
    APPROVE_NOT_FOUND(1),
    CAPTAIN_ONLY(1),
    USAGE_REGISTER(1),
    USAGE_CHECK_IN(1),
    USAGE_CHECK_OUT(1),
    USAGE_APPROVE(1),
    USAGE_BROADCAST(1),
    USAGE_CHILD_NAME(1),
    CHECKED_IN(3),
    CHECKED_OUT(3),
    /** The answer to staff's {@code 缺 3}: who is now recorded as staying home. */
    ABSENT_MARKED(3),
    /** A guardian hears that staff recorded their child as staying home today. */
    ABSENCE_BY_STAFF(1),
    USAGE_MARK_ABSENT(1),
    NO_SUCH_ROSTER_NO(1),
    MISSING_LIST(3),
    MISSING_NONE(1),
    ROSTER_SUMMARY(3),
    NOTICE(3),
    NOTICE_SENT(1),
    NOTICE_NONE(1),
    NOTICE_PROGRESS(1),
    NOTICE_PROGRESS_NONE(1),
    NOTICE_TOO_LONG(1),
    NOTICE_HAS_URL(1),
    NOTICE_HAS_PHONE(1),
    OPTED_OUT(1),
    OPTED_IN(1),
    UNKNOWN_NUMBER(3),
    UNKNOWN_COMMAND(1),
    STAFF_ONLY(1),
    GUARDIAN_ONLY(1),
    PICKUP_REMINDER(1),
    NO_SHOW_ALERT(1),
    NO_SHOW_TO_CAPTAIN(3),
    NO_SHOW_TO_COORDINATOR(3),
    OVERDUE_ALERT(1),
    OVERDUE_TO_CAPTAIN(3),
    OVERDUE_TO_COORDINATOR(3),
    /** A safety message could not be delivered to a guardian: their children's site captain is told. */
    UNDELIVERED_TO_CAPTAIN(1),
    /** A safety message could not be delivered to a site's staff member: the county coordinator is told. */
    UNDELIVERED_TO_COORDINATOR(1),
    ON_THE_WAY(1),
    ON_THE_WAY_TO_STAFF(1),
    DROWNING_ALERT(3),
    DROWNING_ALERT_DAYS_OFF(3),
    DROWNING_ALERT_SEASON_END(3),
    ALERT(3),
    ALERT_ACKNOWLEDGED(1),
    LESSON_NOTICE(3),
    LESSON_RECORDED(1),
    USAGE_LESSON(1),
    INVITE_CODE(3),
    USAGE_INVITE(1),
    BOUND(3),
    BIND_NOTICE(1),
    BIND_FAILED(1),
    BIND_LOCKED(1),
    BIND_PAUSED(1),
    BIND_PAUSED_TO_COORDINATOR(1),
    BIND_IN_CHAT(3),
    USAGE_BIND(1),
    UNBOUND(1),
    CHAT_WELCOME(3),
    /** The one-time code a staff member, coordinator or city admin types to log in to the web console. */
    LOGIN_CODE(1),
    /** A no-show alert read aloud in a phone call to a guardian who cannot read (the call's menu follows it). */
    VOICE_NO_SHOW(3),
    /** An overdue alert read aloud in a phone call to a guardian who cannot read. */
    VOICE_OVERDUE(3);

    private final int maxSegments;

    TemplateKey(int maxSegments) {
        this.maxSegments = maxSegments;
    }

    /**
     * Whether the text is only ever read aloud in a phone call ({@code VOICE_*}), never sent as an SMS: an
     * SMS provider that sends approved templates (Aliyun) needs no template for it.
     */
    public boolean spokenOnly() {
        return this == VOICE_NO_SHOW || this == VOICE_OVERDUE;
    }

    /** How many SMS segments the rendered text, signature included, may take. */
    public int maxSegments() {
        return maxSegments;
    }

    /** The file name of the template: {@code ARRIVAL} → {@code arrival}, {@code STATUS_NO_CHILD} → {@code status-no-child}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
