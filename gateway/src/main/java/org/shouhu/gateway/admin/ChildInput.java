package org.shouhu.gateway.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.model.Phone;

/**
 * A child as a coordinator puts one on a roster, checked: a name guardians can type in an SMS and
 * one to {@value #MAX_GUARDIANS} guardians, each phone once.
 */
public record ChildInput(String name, List<GuardianInput> guardians) {

    /** The most guardians a child may have. */
    public static final int MAX_GUARDIANS = 4;

    public ChildInput {
        guardians = List.copyOf(guardians);
    }

    /**
     * Checks a child's name and guardians. A phone given twice counts once (keeping the first
     * relation that is not the default).
     *
     * @throws InvalidInput (field {@code name} or {@code guardians}) when one is wrong
     */
    public static ChildInput parse(String name, List<GuardianInput> guardians) {
        String childName = name(name);
        Map<Phone, GuardianInput> byPhone = new LinkedHashMap<>();
        for (GuardianInput g : guardians) {
            byPhone.merge(g.phone(), g, (first, again) ->
                    Guardian.DEFAULT_RELATION.equals(first.relation()) ? again : first);
        }
        if (byPhone.isEmpty()) {
            throw new InvalidInput("guardians", "is missing: give at least one guardian's phone");
        }
        if (byPhone.size() > MAX_GUARDIANS) {
            throw new InvalidInput("guardians", "has " + byPhone.size() + " different phones; at most "
                    + MAX_GUARDIANS + " are allowed");
        }
        return new ChildInput(childName, List.copyOf(byPhone.values()));
    }

    /**
     * A child's name as guardians type it in {@code 2 王小明}: 1 to {@value Child#MAX_NAME}
     * characters, with a letter and no digits (digits in staff commands are roster numbers).
     *
     * @throws InvalidInput (field {@code name}) when it is not one
     */
    public static String name(String typed) {
        Typed name = Typed.of("name", typed).required().atMost(Child.MAX_NAME);
        if (name.text().codePoints().anyMatch(Character::isDigit)) {
            throw name.invalid("must not contain digits");
        }
        if (name.text().codePoints().noneMatch(Character::isLetter)) {
            throw name.invalid("is not a name");
        }
        return name.text();
    }

    /**
     * The child already on {@code roster} under this name. Two children of one name at a site cannot
     * be told apart by SMS (registration and absence reports find a child by name).
     */
    public Optional<Child> sameNameIn(List<Child> roster) {
        return roster.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<Guardian> toGuardians() {
        return guardians.stream().map(GuardianInput::toGuardian).toList();
    }
}
