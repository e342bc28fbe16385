package org.shouhu.gateway.admin;

/**
 * A value a coordinator entered that the rules refuse: which field, and why in plain words.
 *
 * <p>The message quotes what was typed, which may be a phone number or a child's name: it is for
 * the person who typed it (an HTTP 400 body, an import error line), never for a log.
 */
public final class InvalidInput extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field  the field as the caller names it ({@code name}, {@code guardians[1].phone})
     * @param reason what is wrong, worded to follow the field name ({@code is missing})
     */
    public InvalidInput(String field, String reason) {
        super(field + " " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The same problem, with the field named the way another door names it ({@code guardian1_phone}). */
    public InvalidInput named(String otherField) {
        return new InvalidInput(otherField, reason);
    }
}
