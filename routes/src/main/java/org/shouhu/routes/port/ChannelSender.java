package org.shouhu.routes.port;

import org.shouhu.routes.model.Address;
import org.shouhu.templates.TemplateKey;

/** Sends rendered text to an address over one channel (an SMS provider, a chat platform). */
public interface ChannelSender {

    /** The address channel this sender serves ({@code sms}, {@code whatsapp}, {@code telegram}…). */
    String channel();

    /**
     * Hands one message to the provider. Returns only once the provider accepted it.
     *
     * @param to        the recipient
     * @param text      the final text (for SMS: with signature)
     * @param messageId our message id (for the provider's status callback and idempotency)
     * @throws SendFailedException when the provider refused it, transiently or for good
     */
    SendReceipt send(Address to, String text, String messageId) throws SendFailedException;

    /**
     * The same, knowing which message it is: a channel that needs it (WeChat picks its template
     * message by notice kind) overrides this; the rest ignore it.
     */
    default SendReceipt send(Address to, String text, String messageId, TemplateKey template) throws SendFailedException {
        return send(to, text, messageId);
    }
}
