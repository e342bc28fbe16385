/**
 * The core's ports, implemented at the edges: {@link org.shouhu.routes.port.CareStore},
 * {@link org.shouhu.routes.port.Outbox} and {@link org.shouhu.routes.port.MessageStore} (Redis),
 * {@link org.shouhu.routes.port.Once} and {@link org.shouhu.routes.port.RateLimiter} (Redis keys
 * that expire), {@link org.shouhu.routes.port.SafetyStore} and {@link org.shouhu.routes.port.SafetyEvents}
 * (the safety loop's ladders and alerts; its timed events' leases), {@link org.shouhu.routes.port.InboundClaims}
 * (a provider message's claim and done mark), {@link org.shouhu.routes.port.ChannelSender} (one per
 * provider), and what channels call in with: {@link org.shouhu.routes.port.InboundSink} (which throws
 * {@link org.shouhu.routes.port.InboundInProgressException} while another try holds a message) and
 * {@link org.shouhu.routes.port.DeliveryReports}. {@link org.shouhu.routes.port.MessageTally} counts
 * where an alert's messages stand.
 * Pacing: {@link org.shouhu.routes.port.Pacer} (each channel's slots, shared by all nodes) and
 * {@link org.shouhu.routes.port.Sleeper} (how a sender waits for its slot: a clock to move in tests) and
 * {@link org.shouhu.routes.port.LaneWatch} (whether a higher lane waits, so paced bulk gives way).
 * Access and PIPL: {@link org.shouhu.routes.port.BindAttempts} (invite-code tries, atomic),
 * {@link org.shouhu.routes.port.Removals} (removal, erasure, export) and
 * {@link org.shouhu.routes.port.AuditLog} (admin changes, append-only).
 */
package org.shouhu.routes.port;
