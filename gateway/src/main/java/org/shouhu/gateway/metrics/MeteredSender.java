package org.shouhu.gateway.metrics;

import java.time.Duration;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link ChannelSender} whose calls are counted and timed by outcome, and whose messages' waits are timed by lane. */
final class MeteredSender implements ChannelSender {

    private static final Logger LOG = LoggerFactory.getLogger(MeteredSender.class);

    private final ChannelSender sender;
    private final GatewayMetrics metrics;

    MeteredSender(ChannelSender sender, GatewayMetrics metrics) {
        this.sender = sender;
        this.metrics = metrics;
    }

    @Override
    public String channel() {
        return sender.channel();
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        return timed(() -> sender.send(to, text, messageId), null);
    }

    @Override
    public SendReceipt send(RenderedMessage message) throws SendFailedException {
        return timed(() -> sender.send(message), message);
    }

    @Override
    public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        return timed(() -> sender.send(message, slot), message);
    }

    private interface Call {
        SendReceipt send() throws SendFailedException;
    }

    private SendReceipt timed(Call call, RenderedMessage message) throws SendFailedException {
        long began = System.nanoTime();
        SendReceipt receipt;
        try {
            receipt = call.send();
        } catch (SendFailedException e) {
            String outcome = e.isThrottled() ? "throttled" : e.isTransient() ? "transient" : "permanent";
            count(outcome, e.code() == null ? "unknown" : e.code(), began, null);
            throw e;
        } catch (RuntimeException e) {
            count("transient", "error:" + e.getClass().getSimpleName(), began, null);
            throw e;
        }
        count("sent", "none", began, message); // after the provider took it: counting can never turn it into a failure
        return receipt;
    }

    private void count(String outcome, String error, long began, RenderedMessage taken) {
        try {
            metrics.called(channel(), outcome, error, System.nanoTime() - began);
            if (taken != null && taken.message().createdAt() != null) {
                metrics.waited(channel(), Lane.of(taken.message().template(), taken.message().kind()),
                        Duration.between(taken.message().createdAt(), metrics.clock().instant()));
            }
        } catch (RuntimeException e) {
            LOG.debug("a send was not counted: {}", e.toString());
        }
    }
}
