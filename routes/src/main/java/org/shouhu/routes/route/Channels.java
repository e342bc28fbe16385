package org.shouhu.routes.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.SendFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each rendered message of a batch to the sender of its address's channel and records what
 * the providers said: receipts a few at a time in one write (soon after the send, so a fast
 * delivery callback finds its message), refusals one by one through {@link SendFailures}.
 */
public final class Channels {

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);
    /** Receipts are written when this many are waiting … */
    static final int RECORD_EVERY = 200;
    /** … or when the oldest has waited this long. */
    private static final long RECORD_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final MessageStore messages;
    private final SendFailures failures;

    public Channels(List<ChannelSender> senders, MessageStore messages, SendFailures failures) {
        for (ChannelSender s : senders) {
            this.senders.put(s.channel(), s);
        }
        this.messages = messages;
        this.failures = failures;
    }

    public void send(List<RenderedMessage> batch) {
        List<MessageStore.Sent> receipts = new ArrayList<>();
        long oldest = 0;
        try {
            for (RenderedMessage message : batch) {
                try {
                    MessageStore.Sent sent = sendOne(message);
                    if (receipts.isEmpty()) {
                        oldest = System.nanoTime();
                    }
                    receipts.add(sent);
                } catch (SendFailedException e) {
                    failures.handle(message.id(), e);
                }
                if (!receipts.isEmpty()
                        && (receipts.size() >= RECORD_EVERY || System.nanoTime() - oldest > RECORD_WITHIN_NANOS)) {
                    messages.recordSent(receipts);
                    receipts.clear();
                }
            }
        } finally {
            if (!receipts.isEmpty()) {
                messages.recordSent(receipts);
            }
        }
    }

    /** One provider call; a sender's unexpected exception counts as a transient failure, so one bad message cannot stall its batch. */
    private MessageStore.Sent sendOne(RenderedMessage message) throws SendFailedException {
        ChannelSender sender = senders.get(message.to().channel());
        if (sender == null) {
            throw SendFailedException.permanent("no-channel", "no sender for channel " + message.to().channel());
        }
        try {
            return new MessageStore.Sent(message.id(), sender.channel(), message.text(), sender.send(message));
        } catch (RuntimeException e) {
            LOG.error("the {} sender failed on message {}: {}", sender.channel(), message.id(), e.toString());
            throw SendFailedException.transientFailure("error:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }
}
