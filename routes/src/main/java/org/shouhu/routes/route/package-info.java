/**
 * The Camel routes ({@link org.shouhu.routes.route.ShouhuRoutes}) and the named beans they call:
 * inbound — {@link org.shouhu.routes.route.InboundOnce} (claims a message for a lease, counts its
 * sender's hour, and queues its replies with the mark that it is done), the parser, the care
 * service, {@link org.shouhu.routes.route.ReplyCap} (reads that count); outbound —
 * {@link org.shouhu.routes.route.Recipients}, {@link org.shouhu.routes.route.MessageRenderer},
 * {@link org.shouhu.routes.route.Channels}, and {@link org.shouhu.routes.route.SendFailures}
 * (declared once as the route's error handling), passing an
 * {@link org.shouhu.routes.route.OutboundBatch} that knows which messages' send leases
 * ({@link org.shouhu.routes.route.SendLease}, redeliveries only) this worker holds.
 */
package org.shouhu.routes.route;
