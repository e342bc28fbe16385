package org.shouhu.routes.care;

/** What a staff member is at a site: the captain answers for safety, volunteers run the day. */
public enum StaffRole {
    CAPTAIN, VOLUNTEER
}
