/**
 * The Camel routes ({@link org.shouhu.routes.route.ShouhuRoutes}) and the named beans they call:
 * inbound — {@link org.shouhu.routes.route.InboundOnce} (claims a message for a lease, counts its
 * sender's hour, and queues its replies with the mark that it is done), the parser, the care
 * service, {@link org.shouhu.routes.route.ReplyCap} (reads that count); outbound —
 * {@link org.shouhu.routes.route.Recipients}, {@link org.shouhu.routes.route.MessageRenderer},
 * {@link org.shouhu.routes.route.Channels} (a lane of threads per channel, a bulkhead; each call in
 * a slot of the {@code Pacer}, from the slot's sender), and
 * {@link org.shouhu.routes.route.SendFailures} (a provider's refusal is one message's outcome,
 * handed over by {@code Channels}: throttles, backoff, give-up by age, and for an undeliverable
 * safety message a notice to the captain or coordinator, {@code UnreachableNotice}); the route's
 * own failures are declared once with {@code onException} (the batch's send leases are let go and
 * the failure goes back to the outbox worker), passing an
 * {@link org.shouhu.routes.route.OutboundBatch} that knows which messages' send leases
 * ({@link org.shouhu.routes.route.SendLease}, redeliveries only) this worker holds.
 */
package org.shouhu.routes.route;
