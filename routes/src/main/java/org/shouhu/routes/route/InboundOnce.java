package org.shouhu.routes.route;

import java.time.Duration;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.Once;

/**
 * Lets each provider message through once, however often the provider repeats its webhook, and
 * counts, in the same step, the messages acted on from its sender this hour (what {@link ReplyCap} caps).
 */
public final class InboundOnce {

    private static final Duration REMEMBER = Duration.ofDays(2);
    /** The window {@link ReplyCap} counts a sender's messages in. */
    private static final Duration HOUR = Duration.ofHours(1);

    private final Once once;

    public InboundOnce(Once once) {
        this.once = once;
    }

    /** The sender's messages acted on this hour, this one included; 0 when this one was acted on before. */
    public long first(InboundMessage message) {
        return once.firstCounted(key(message), REMEMBER, "from:" + message.from().value(), HOUR);
    }

    /** Called when acting on the message failed, so the provider's retry is acted on. */
    public void forget(InboundMessage message) {
        once.forget(key(message));
    }

    private static String key(InboundMessage message) {
        return "in:" + message.channel() + ":" + message.providerId();
    }
}
