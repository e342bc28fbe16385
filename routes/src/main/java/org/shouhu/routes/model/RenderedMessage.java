package org.shouhu.routes.model;

import org.shouhu.templates.TemplateKey;

/**
 * A stored message with its final text, ready for its channel; it keeps the message it was
 * rendered from, so that what happens to the send can be recorded in full.
 *
 * @param attempt which try this send is (1 for the first)
 */
public record RenderedMessage(StoredMessage message, String text, int attempt) {

    public String id() {
        return message.id();
    }

    public Address to() {
        return message.to();
    }

    public MessageClass kind() {
        return message.kind();
    }

    public TemplateKey template() {
        return message.template();
    }
}
