package org.shouhu.routes.care;

import org.shouhu.routes.model.Address;

/**
 * Someone a child's notices go to, and who may act for that child: grandparent, parent, …
 *
 * @param voiceFirst whether a no-show or overdue alert they leave unanswered is also read to them in a
 *                   phone call (a guardian who cannot read; see {@link EscalationLadders#call})
 */
public record Guardian(Address address, String relation, boolean voiceFirst) {

    /** The relation recorded when nobody said: 家人 (family). */
    public static final String DEFAULT_RELATION = "家人";

    /** A guardian who reads their SMS (not called). */
    public Guardian(Address address, String relation) {
        this(address, relation, false);
    }
}
