package org.shouhu.gateway.admin;

import org.shouhu.routes.care.Child;

/** The answer to putting a child on a roster: its id and the roster number staff will type. */
public record ChildAdded(String childId, int rosterNo) {

    public static ChildAdded of(Child child) {
        return new ChildAdded(child.id(), child.rosterNo());
    }
}
