package org.shouhu.routes.care;

import org.shouhu.routes.model.Phone;

/** A person who works at one site and may send staff commands from this phone. */
public record StaffMember(Phone phone, String siteCode, String name, StaffRole role) {
}
