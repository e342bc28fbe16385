package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
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

    /**
     * A batch still sending after this long (a provider timing out on every call) hands the rest
     * back: well before its send leases run out and before another worker may claim its outbox
     * entries (five minutes idle), so no other worker can send those messages too.
     */
    static final Duration HAND_BACK_AFTER = Duration.ofSeconds(30);

    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final MessageStore messages;
    private final SendFailures failures;
    private final Once once;
    private final Clock clock;

    public Channels(List<ChannelSender> senders, MessageStore messages, SendFailures failures, Once once, Clock clock) {
        for (ChannelSender s : senders) {
            this.senders.put(s.channel(), s);
        }
        this.messages = messages;
        this.failures = failures;
        this.once = once;
        this.clock = clock;
    }

    public void send(OutboundBatch<RenderedMessage> outbound) {
        List<RenderedMessage> batch = outbound.messages();
        List<MessageStore.Sent> receipts = new ArrayList<>();
        long oldest = 0;
        Instant handBackAt = clock.instant().plus(HAND_BACK_AFTER);
        try {
            for (int i = 0; i < batch.size(); i++) {
                RenderedMessage message = batch.get(i);
                if (clock.instant().isAfter(handBackAt)) {
                    handBack(batch.subList(i, batch.size()), outbound.leased());
                    break;
                }
                try {
                    MessageStore.Sent sent = sendOne(message);
                    if (receipts.isEmpty()) {
                        oldest = System.nanoTime();
                    }
                    receipts.add(sent);
                } catch (SendFailedException e) {
                    failures.handle(message.message(), outbound.leased().contains(message.id()), e);
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

    /** Puts messages not yet tried back in the outbox to go at once, and lets go of the leases this worker holds. */
    private void handBack(List<RenderedMessage> rest, Set<String> leased) {
        LOG.warn("a batch has been sending for over {} s: {} messages go back to the outbox", HAND_BACK_AFTER.toSeconds(),
                rest.size());
        rest.stream().map(RenderedMessage::id).filter(leased::contains) // first, so the worker that picks them up can lease them
                .forEach(id -> once.forget(SendLease.key(id)));
        messages.holdUntil(rest.stream().map(RenderedMessage::message).toList(), "batch-too-slow", clock.instant());
    }

    /** One provider call; a sender's unexpected exception counts as a transient failure, so one bad message cannot stall its batch. */
    private MessageStore.Sent sendOne(RenderedMessage message) throws SendFailedException {
        ChannelSender sender = senders.get(message.to().channel());
        if (sender == null) {
            throw SendFailedException.permanent("no-channel", "no sender for channel " + message.to().channel());
        }
        try {
            return new MessageStore.Sent(message.message(), sender.channel(), message.text(), sender.send(message),
                    message.attempt());
        } catch (RuntimeException e) {
            LOG.error("the {} sender failed on message {}: {}", sender.channel(), message.id(), e.toString());
            throw SendFailedException.transientFailure("error:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }
}
