package org.shouhu.routes.route;

import org.apache.camel.ProducerTemplate;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.port.InboundInProgressException;
import org.shouhu.routes.port.InboundSink;

/** Hands a verified inbound message to the inbound route and waits until its replies are in the outbox. */
public final class CamelInboundSink implements InboundSink {

    private final ProducerTemplate producer;

    public CamelInboundSink(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public void accept(InboundMessage message) {
        try {
            producer.requestBody(ShouhuRoutes.INBOUND, message);
        } catch (org.apache.camel.CamelExecutionException e) {
            if (e.getCause() instanceof InboundInProgressException busy) {
                throw busy; // the channel answers it differently from a failure
            }
            throw e;
        }
    }
}
