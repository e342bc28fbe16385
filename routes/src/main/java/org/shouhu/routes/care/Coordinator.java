package org.shouhu.routes.care;

import org.shouhu.routes.model.Phone;

/** A county coordinator: the last step of every escalation in the county, and a sender of region-wide alerts. */
public record Coordinator(String county, Phone phone, String name) {
}
