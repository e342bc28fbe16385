package org.shouhu.routes.route;

import org.apache.camel.ProducerTemplate;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundSink;

/** Hands a verified inbound message to the inbound route and waits until its replies are in the outbox. */
public final class CamelInboundSink implements InboundSink {

    private final ProducerTemplate producer;

    public CamelInboundSink(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public void accept(InboundMessage message) {
        producer.requestBody(ShouhuRoutes.INBOUND, message);
    }
}
