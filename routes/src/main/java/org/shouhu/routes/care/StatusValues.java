package org.shouhu.routes.care;

import java.util.HashMap;
import java.util.Map;

/** The values of the {@code status} template for one child's day. */
final class StatusValues {

    private StatusValues() {
    }

    static Map<String, String> of(Child child, Site site, DayRecord record) {
        Map<String, String> values = new HashMap<>();
        values.put("child", child.name());
        values.put("site", site == null ? "托管点" : site.name());
        switch (record.state()) {
            case EXPECTED -> values.put("expected", "1");
            case ARRIVED -> {
                values.put("arrived", "1");
                values.put("time", CareDay.format(record.arrivedAt()));
            }
            case LEFT -> {
                values.put("left", "1");
                values.put("time", CareDay.format(record.leftAt()));
                if (record.pickedUpBy() != null) {
                    values.put("by", record.pickedUpBy());
                }
            }
            case ABSENT -> values.put("absent", "1");
        }
        if (record.escortRequested() && record.state() != ChildState.LEFT) {
            values.put("escort", "1");
        }
        return values;
    }
}
