package org.shouhu.routes.port;

import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.RenderedMessage;

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
     * The same, knowing the whole message: a channel that needs more than the text (WeChat picks
     * its template message by notice kind) overrides this; the rest send the text.
     */
    default SendReceipt send(RenderedMessage message) throws SendFailedException {
        return send(message.to(), message.text(), message.id());
    }

    /**
     * The same, in a pacer's slot: a channel with several sending identities (Twilio's list of
     * numbers) overrides this to send from {@code slot.sender()}; the rest ignore the slot.
     */
    default SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        return send(message);
    }
}
