package org.shouhu.routes.route;

import java.time.Duration;
import java.util.List;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the replies one address gets per hour, so an auto-responder on the other end cannot start
 * a paid loop. Notices to others are not capped here.
 */
public final class ReplyCap {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyCap.class);

    private final RateLimiter limiter;
    private final int perHour;

    public ReplyCap(RateLimiter limiter, int perHour) {
        this.limiter = limiter;
        this.perHour = perHour;
    }

    /** Staff answering a busy morning's check-ins get ten times the cap: their confirmations matter. */
    public List<OutboundMessage> apply(Sender sender, List<OutboundMessage> messages) {
        int cap = sender.isStaff() ? perHour * 10 : perHour;
        return messages.stream().filter(m -> allowed(m, cap)).toList();
    }

    private boolean allowed(OutboundMessage m, int cap) {
        if (m.kind() != MessageClass.REPLY
                || limiter.tryAcquire("reply:" + m.to().value(), cap, Duration.ofHours(1))) {
            return true;
        }
        LOG.warn("reply to {} dropped: more than {} replies this hour", m.to().masked(), cap);
        return false;
    }
}
