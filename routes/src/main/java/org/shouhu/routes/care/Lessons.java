package org.shouhu.routes.care;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;

/**
 * The day's safety lesson (SMS {@code 课 防溺水} or the admin API): recorded for the site's day and
 * told to every guardian of the site, so that it is repeated at home.
 */
public final class Lessons {

    private final CareStore care;
    private final SafetyStore safety;
    private final CareDay day;

    public Lessons(CareStore care, SafetyStore safety, CareDay day) {
        this.care = care;
        this.safety = safety;
        this.day = day;
    }

    /** Records the lesson and returns one routine notice per guardian address that has not opted out. */
    public List<OutboundMessage> record(Site site, String topic) {
        safety.recordLesson(site.code(), day.today(), topic);
        Map<String, String> values = new HashMap<>(Map.of("site", site.name(), "topic", asLesson(topic)));
        if (topic.contains("溺水") || topic.contains("游泳")) {
            values.put("drowning", "1");
        }
        Set<Address> recipients = care.guardianAddresses(site.code());
        Set<Address> optedOut = care.optedOutAmong(recipients);
        List<OutboundMessage> out = new ArrayList<>();
        for (Address to : recipients) {
            if (!optedOut.contains(to)) {
                out.add(OutboundMessage.of(to, TemplateKey.LESSON_NOTICE, values, MessageClass.ROUTINE));
            }
        }
        return out;
    }

    /** How the lesson reads in "今天上了…课": 防溺水 → 防溺水安全, 交通安全 stays, a trailing 课 goes. */
    static String asLesson(String topic) {
        String t = topic.endsWith("课") ? topic.substring(0, topic.length() - 1) : topic;
        return t.endsWith("安全") ? t : t + "安全";
    }
}
