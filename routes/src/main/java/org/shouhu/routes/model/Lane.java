package org.shouhu.routes.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.shouhu.templates.TemplateKey;

/**
 * How urgently a message goes out, highest first: the outbox sends a lane's messages before any of
 * a lower lane's, whatever the order they were queued in.
 */
public enum Lane {
    /** Escalation steps and no-show/overdue alerts to one person, and the notices about them. */
    URGENT,
    /** Answers to a person's own message. */
    REPLY,
    /** Per-child confirmations: arrival, pick-up, reminders, absence and escort to staff. */
    CONFIRM,
    /** Fan-outs: staff broadcasts, drowning and coordinators' alerts, lesson notices. */
    BULK;

    /** The channels the outbox has lanes for ({@link Address#channel()}); each is read, configured or not. */
    public static final List<String> CHANNELS = List.of(Address.SMS, "whatsapp", "telegram", "wechat", Address.VOICE);

    /** Messages to many at once, whatever their class: they share the bulk lane fairly. */
    private static final Set<TemplateKey> FAN_OUTS = EnumSet.of(TemplateKey.NOTICE, TemplateKey.DROWNING_ALERT,
            TemplateKey.DROWNING_ALERT_DAYS_OFF, TemplateKey.DROWNING_ALERT_SEASON_END, TemplateKey.ALERT,
            TemplateKey.LESSON_NOTICE);

    /** Safety messages to one person, even if queued in another class. */
    private static final Set<TemplateKey> TO_ONE = EnumSet.of(TemplateKey.NO_SHOW_ALERT, TemplateKey.NO_SHOW_TO_CAPTAIN,
            TemplateKey.NO_SHOW_TO_COORDINATOR, TemplateKey.OVERDUE_ALERT, TemplateKey.OVERDUE_TO_CAPTAIN,
            TemplateKey.OVERDUE_TO_COORDINATOR, TemplateKey.UNDELIVERED_TO_CAPTAIN, TemplateKey.UNDELIVERED_TO_COORDINATOR,
            TemplateKey.BIND_NOTICE, TemplateKey.BIND_PAUSED_TO_COORDINATOR,
            TemplateKey.VOICE_NO_SHOW, TemplateKey.VOICE_OVERDUE);

    /** Per-child news to staff that is queued as SAFETY (any hour) but is a confirmation, not an escalation. */
    private static final Set<TemplateKey> CONFIRMATIONS = EnumSet.of(TemplateKey.ABSENCE_TO_STAFF, TemplateKey.ESCORT_TO_STAFF);

    /** The lane of a message with this template, queued in this class. */
    public static Lane of(TemplateKey template, MessageClass kind) {
        if (FAN_OUTS.contains(template)) {
            return BULK;
        }
        if (CONFIRMATIONS.contains(template) && kind != MessageClass.REPLY) {
            return CONFIRM;
        }
        if (TO_ONE.contains(template) || kind == MessageClass.SAFETY) {
            return URGENT;
        }
        return kind == MessageClass.REPLY ? REPLY : CONFIRM;
    }

    /** The lane's name in Redis keys. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
