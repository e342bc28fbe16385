package org.shouhu.gateway.admin;

import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;

/** A child's guardian as a coordinator enters one, checked: the phone notices go to and a short relation (奶奶, 外公…). */
public record GuardianInput(Phone phone, String relation) {

    /** The longest relation accepted: it appears in single-segment SMS to staff. */
    public static final int MAX_RELATION = 4;

    /**
     * Reads a guardian from what was typed; an empty relation becomes {@link Guardian#DEFAULT_RELATION}.
     *
     * @throws InvalidInput (field {@code phone} or {@code relation}) when one is wrong
     */
    public static GuardianInput parse(String phone, String relation) {
        Phone guardianPhone = Typed.of("phone", phone).phone();
        Typed typedRelation = Typed.of("relation", relation);
        String rel = typedRelation.isBlank() ? Guardian.DEFAULT_RELATION : typedRelation.atMost(MAX_RELATION).text();
        return new GuardianInput(guardianPhone, rel);
    }

    public Guardian toGuardian() {
        return new Guardian(Address.of(phone), relation);
    }
}
