package org.shouhu.routes.route;

import java.time.Duration;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.Once;

/** Lets each provider message through once, however often the provider repeats its webhook. */
public final class InboundOnce {

    private static final Duration REMEMBER = Duration.ofDays(2);

    private final Once once;

    public InboundOnce(Once once) {
        this.once = once;
    }

    public boolean first(InboundMessage message) {
        return once.first(key(message), REMEMBER);
    }

    /** Called when acting on the message failed, so the provider's retry is acted on. */
    public void forget(InboundMessage message) {
        once.forget(key(message));
    }

    private static String key(InboundMessage message) {
        return "in:" + message.channel() + ":" + message.providerId();
    }
}
