/**
 * The message model every channel shares: {@link org.shouhu.routes.model.Phone} and
 * {@link org.shouhu.routes.model.Address} (who), {@link org.shouhu.routes.model.InboundMessage}
 * (what a person sent), {@link org.shouhu.routes.model.OutboundMessage} and
 * {@link org.shouhu.routes.model.StoredMessage} (what we send and how it went), {@link org.shouhu.routes.model.OutboxEntry}
 * (a message as a worker takes it from the outbox), with its
 * {@link org.shouhu.routes.model.MessageClass}, the {@link org.shouhu.routes.model.Lane} (urgency) it goes out in, and
 * forward-only {@link org.shouhu.routes.model.DeliveryStatus}.
 */
package org.shouhu.routes.model;
