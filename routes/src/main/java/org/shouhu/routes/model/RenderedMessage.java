package org.shouhu.routes.model;

import org.shouhu.templates.TemplateKey;

/**
 * A stored message with its final text, ready for its channel.
 *
 * @param attempt which try this send is (1 for the first)
 */
public record RenderedMessage(String id, Address to, MessageClass kind, TemplateKey template, String text, int attempt) {
}
