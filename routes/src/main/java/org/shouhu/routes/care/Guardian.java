package org.shouhu.routes.care;

import org.shouhu.routes.model.Address;

/** Someone a child's notices go to, and who may act for that child: grandparent, parent, … */
public record Guardian(Address address, String relation) {

    /** The relation recorded when nobody said: 家人 (family). */
    public static final String DEFAULT_RELATION = "家人";
}
