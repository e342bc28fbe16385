package org.shouhu.routes.model;

/**
 * Where a message goes or comes from: a phone for SMS ({@code +8613912345678}) or
 * {@code channel:id} for other channels ({@code telegram:12345}, {@code whatsapp:+86139…}).
 */
public record Address(String value) {

    /** Channel name of SMS addresses (a bare E.164 number). */
    public static final String SMS = "sms";
    /** Channel name of phone calls ({@code voice:+8613912345678}): an alert read aloud to one who cannot read. */
    public static final String VOICE = "voice";

    public Address {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
    }

    public static Address of(Phone phone) {
        return new Address(phone.e164());
    }

    /** The channel this address belongs to: {@code sms} for a bare phone number, else the prefix. */
    public String channel() {
        int colon = value.indexOf(':');
        return colon < 0 ? SMS : value.substring(0, colon);
    }

    /** The id within the channel (the phone number for SMS). */
    public String id() {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(colon + 1);
    }

    public boolean isSms() {
        return SMS.equals(channel());
    }

    /** The address as logs may show it (phone digits masked). */
    public String masked() {
        return Phone.mask(value);
    }

    @Override
    public String toString() {
        return masked();
    }
}
