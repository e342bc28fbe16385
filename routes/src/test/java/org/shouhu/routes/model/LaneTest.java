package org.shouhu.routes.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.shouhu.routes.model.Lane.BULK;
import static org.shouhu.routes.model.Lane.CONFIRM;
import static org.shouhu.routes.model.Lane.REPLY;
import static org.shouhu.routes.model.Lane.URGENT;
import static org.shouhu.routes.model.MessageClass.ROUTINE;
import static org.shouhu.routes.model.MessageClass.SAFETY;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shouhu.templates.TemplateKey;

/** Every template, in the class it is queued in, goes out in the lane the issue asks for; a new template must be placed here. */
class LaneTest {

    record Expect(MessageClass kind, Lane lane) { }

    static final Map<TemplateKey, Expect> TABLE = new EnumMap<>(TemplateKey.class);

    static void put(MessageClass kind, Lane lane, TemplateKey... keys) {
        for (TemplateKey k : keys) {
            TABLE.put(k, new Expect(kind, lane));
        }
    }

    static {
        // answers to a person's own message
        put(MessageClass.REPLY, REPLY, TemplateKey.STATUS, TemplateKey.STATUS_NO_CHILD, TemplateKey.ACKNOWLEDGED,
                TemplateKey.ABSENCE_RECORDED, TemplateKey.ESCORT_REQUESTED, TemplateKey.WHICH_CHILD, TemplateKey.HELP_GUARDIAN,
                TemplateKey.HELP_STAFF, TemplateKey.REGISTER_RECEIVED, TemplateKey.REGISTER_RECEIVED_ALREADY,
                TemplateKey.REGISTER_UNKNOWN_SITE, TemplateKey.APPROVE_NOT_FOUND, TemplateKey.CAPTAIN_ONLY,
                TemplateKey.USAGE_REGISTER, TemplateKey.USAGE_CHECK_IN, TemplateKey.USAGE_CHECK_OUT, TemplateKey.USAGE_APPROVE,
                TemplateKey.USAGE_BROADCAST, TemplateKey.USAGE_CHILD_NAME, TemplateKey.CHECKED_IN, TemplateKey.CHECKED_OUT, TemplateKey.ABSENT_MARKED, TemplateKey.USAGE_MARK_ABSENT,
                TemplateKey.NO_SUCH_ROSTER_NO, TemplateKey.MISSING_LIST, TemplateKey.MISSING_NONE, TemplateKey.ROSTER_SUMMARY,
                TemplateKey.NOTICE_SENT, TemplateKey.NOTICE_NONE, TemplateKey.NOTICE_PROGRESS, TemplateKey.NOTICE_PROGRESS_NONE,
                TemplateKey.NOTICE_TOO_LONG, TemplateKey.NOTICE_HAS_URL, TemplateKey.NOTICE_HAS_PHONE, TemplateKey.OPTED_OUT,
                TemplateKey.OPTED_IN, TemplateKey.UNKNOWN_NUMBER, TemplateKey.UNKNOWN_COMMAND, TemplateKey.STAFF_ONLY,
                TemplateKey.GUARDIAN_ONLY, TemplateKey.ON_THE_WAY, TemplateKey.ALERT_ACKNOWLEDGED, TemplateKey.LESSON_RECORDED,
                TemplateKey.USAGE_LESSON, TemplateKey.INVITE_CODE, TemplateKey.USAGE_INVITE, TemplateKey.BOUND,
                TemplateKey.BIND_FAILED, TemplateKey.BIND_LOCKED, TemplateKey.BIND_PAUSED, TemplateKey.BIND_IN_CHAT,
                TemplateKey.USAGE_BIND, TemplateKey.UNBOUND, TemplateKey.CHAT_WELCOME, TemplateKey.LOGIN_CODE);
        // per-child confirmations and notices to one person
        put(ROUTINE, CONFIRM, TemplateKey.ARRIVAL, TemplateKey.PICKUP, TemplateKey.ABSENCE_BY_STAFF, TemplateKey.REGISTER_TO_STAFF,
                TemplateKey.REGISTER_WELCOME, TemplateKey.REGISTER_APPROVED, TemplateKey.PICKUP_REMINDER);
        put(SAFETY, CONFIRM, TemplateKey.ABSENCE_TO_STAFF, TemplateKey.ESCORT_TO_STAFF);
        // escalations to one person and the notices about them
        put(SAFETY, URGENT, TemplateKey.NO_SHOW_ALERT, TemplateKey.NO_SHOW_TO_CAPTAIN, TemplateKey.NO_SHOW_TO_COORDINATOR,
                TemplateKey.OVERDUE_ALERT, TemplateKey.OVERDUE_TO_CAPTAIN, TemplateKey.OVERDUE_TO_COORDINATOR,
                TemplateKey.UNDELIVERED_TO_CAPTAIN, TemplateKey.UNDELIVERED_TO_COORDINATOR, TemplateKey.ON_THE_WAY_TO_STAFF,
                TemplateKey.BIND_NOTICE, TemplateKey.BIND_PAUSED_TO_COORDINATOR);
        // the voice call of an unanswered alert
        put(SAFETY, URGENT, TemplateKey.VOICE_NO_SHOW, TemplateKey.VOICE_OVERDUE);
        // fan-outs
        put(ROUTINE, BULK, TemplateKey.NOTICE, TemplateKey.LESSON_NOTICE);
        put(SAFETY, BULK, TemplateKey.DROWNING_ALERT, TemplateKey.DROWNING_ALERT_DAYS_OFF,
                TemplateKey.DROWNING_ALERT_SEASON_END, TemplateKey.ALERT);
    }

    @Test
    void everyTemplateHasItsLane() {
        assertEquals(EnumSet.allOf(TemplateKey.class), TABLE.keySet(), "a new template needs its lane here");
        TABLE.forEach((key, expect) -> assertEquals(expect.lane(), Lane.of(key, expect.kind()), key + " as " + expect.kind()));
    }

    @Test
    void aReplyIsAReplyAndAFanOutIsBulkWhateverItsClass() {
        assertEquals(REPLY, Lane.of(TemplateKey.ABSENCE_TO_STAFF, MessageClass.REPLY));
        assertEquals(BULK, Lane.of(TemplateKey.ALERT, ROUTINE));
        assertEquals(URGENT, Lane.of(TemplateKey.NO_SHOW_ALERT, ROUTINE), "an escalation step never waits behind confirmations");
        assertEquals(CONFIRM, Lane.of(TemplateKey.ARRIVAL, ROUTINE));
    }
}
