package org.shouhu.routes.route;

import org.shouhu.routes.model.StoredMessage;
import org.shouhu.templates.Templates;

/** Renders a stored message's template; SMS texts get the signature (【守护托管】) in front. */
public final class MessageRenderer {

    private final Templates sms;
    private final String signature;

    public MessageRenderer(Templates sms, String signature) {
        this.sms = sms;
        this.signature = signature;
    }

    public RenderedMessage render(StoredMessage message) {
        String text = sms.render(message.template(), message.params());
        if (message.to().isSms()) {
            text = signature + text;
        }
        return new RenderedMessage(message.id(), message.to(), message.kind(), text);
    }
}
