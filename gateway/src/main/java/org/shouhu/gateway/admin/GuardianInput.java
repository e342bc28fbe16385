package org.shouhu.gateway.admin;

import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;

/**
 * A child's guardian as a coordinator enters one, checked: the phone notices go to, a short relation
 * (奶奶, 外公…), and whether an unanswered no-show or overdue alert is also read to them in a phone
 * call ({@code voiceFirst}: a guardian who cannot read).
 */
public record GuardianInput(Phone phone, String relation, boolean voiceFirst) {

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
        return new GuardianInput(guardianPhone, rel, false);
    }

    /** The same, with {@code voiceFirst} as given (null: false). */
    public static GuardianInput parse(String phone, String relation, Boolean voiceFirst) {
        GuardianInput g = parse(phone, relation);
        return new GuardianInput(g.phone(), g.relation(), Boolean.TRUE.equals(voiceFirst));
    }

    public Guardian toGuardian() {
        return new Guardian(Address.of(phone), relation, voiceFirst);
    }
}
