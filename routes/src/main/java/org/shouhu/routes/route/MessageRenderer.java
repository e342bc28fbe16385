package org.shouhu.routes.route;

import java.util.List;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.templates.Templates;

/**
 * Renders a stored message's template in its channel's wording: SMS texts short and with the
 * signature (【守护托管】) in front, chat texts (WeChat, Telegram, WhatsApp) richer and unsigned.
 */
public final class MessageRenderer {

    private final Templates sms;
    private final Templates chat;
    private final String signature;

    public MessageRenderer(Templates sms, Templates chat, String signature) {
        this.sms = sms;
        this.chat = chat;
        this.signature = signature;
    }

    /** Each message of a batch, rendered. */
    public OutboundBatch<RenderedMessage> renderAll(OutboundBatch<StoredMessage> batch) {
        return batch.map(this::render);
    }

    public RenderedMessage render(StoredMessage message) {
        String text = message.to().isSms()
                ? signature + sms.render(message.template(), message.params())
                : chat.render(message.template(), message.params());
        return new RenderedMessage(message, text, message.attempts() + 1);
    }
}
