package org.shouhu.gateway.channel.twilio;

/** A form body that is not valid {@code application/x-www-form-urlencoded} UTF-8. */
final class MalformedFormException extends Exception {
    MalformedFormException(String reason) {
        super(reason);
    }
}
