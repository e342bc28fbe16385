package org.shouhu.routes.port;

import org.shouhu.routes.model.DeliveryStatus;

/** What a provider said when it accepted a message: its id for it and the first status. */
public record SendReceipt(String providerId, DeliveryStatus status) {
}
