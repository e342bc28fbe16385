package org.shouhu.routes.route;

import java.util.List;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the replies one address gets per hour, so an auto-responder on the other end cannot start
 * a paid loop: its messages past the cap in an hour ({@link InboundOnce} counts them as it takes
 * them, in the same round trip) are acted on but get no reply. Notices to others are not capped here.
 */
public final class ReplyCap {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyCap.class);

    private final int perHour;

    public ReplyCap(int perHour) {
        this.perHour = perHour;
    }

    /**
     * The messages to queue for a sender's {@code fromThisHour}-th message this hour: without the
     * replies once that is past the cap. Staff answering a busy morning's check-ins get ten times
     * the cap: their confirmations matter.
     */
    public List<OutboundMessage> apply(Sender sender, List<OutboundMessage> messages, long fromThisHour) {
        int cap = sender.isStaff() ? perHour * 10 : perHour;
        if (fromThisHour <= cap) {
            return messages;
        }
        List<OutboundMessage> notices = messages.stream().filter(m -> m.kind() != MessageClass.REPLY).toList();
        if (notices.size() < messages.size()) {
            LOG.warn("reply to {} dropped: more than {} messages this hour", sender.address().masked(), cap);
        }
        return notices;
    }
}
