package org.shouhu.gateway.metrics;

import java.time.Duration;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;

/** A {@link ChannelSender} whose calls are counted and timed by outcome, and whose messages' waits are timed by lane. */
final class MeteredSender implements ChannelSender {

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
        try {
            SendReceipt receipt = call.send();
            metrics.called(channel(), "sent", "none", System.nanoTime() - began);
            if (message != null && message.message().createdAt() != null) {
                metrics.waited(channel(), Lane.of(message.message().template(), message.message().kind()),
                        Duration.between(message.message().createdAt(), metrics.clock().instant()));
            }
            return receipt;
        } catch (SendFailedException e) {
            String outcome = e.isThrottled() ? "throttled" : e.isTransient() ? "transient" : "permanent";
            metrics.called(channel(), outcome, e.code() == null ? "unknown" : e.code(), System.nanoTime() - began);
            throw e;
        } catch (RuntimeException e) {
            metrics.called(channel(), "transient", "error:" + e.getClass().getSimpleName(), System.nanoTime() - began);
            throw e;
        }
    }
}
