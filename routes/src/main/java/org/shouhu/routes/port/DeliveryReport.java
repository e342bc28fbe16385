package org.shouhu.routes.port;

import java.time.Instant;
import org.shouhu.routes.model.DeliveryStatus;

/**
 * A provider's word on a message it accepted earlier (Twilio's StatusCallback and the like).
 *
 * @param messageId  our id of the message, as the provider's report names it (null when it names none)
 * @param providerId the provider's id of the message
 * @param status     the status it reports
 * @param errorCode  the provider's error code, or null
 * @param at         when we heard it
 */
public record DeliveryReport(String messageId, String providerId, DeliveryStatus status, String errorCode, Instant at) {
}
