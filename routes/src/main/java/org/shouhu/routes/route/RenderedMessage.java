package org.shouhu.routes.route;

import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.templates.TemplateKey;

/** A stored message with its final text, ready for its channel. */
public record RenderedMessage(String id, Address to, MessageClass kind, TemplateKey template, String text) {
}
