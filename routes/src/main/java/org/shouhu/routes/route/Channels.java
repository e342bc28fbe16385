package org.shouhu.routes.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.LaneWatch;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each rendered message of a batch to the sender of its address's channel and records what
 * the providers said: receipts a few at a time in one write (soon after the send, so a fast
 * delivery callback finds its message), refusals one by one through {@link SendFailures}. A batch
 * is split by channel and each channel's part goes in order; when the batch spans channels, each
 * part goes on its channel's own small pool of threads (a bulkhead, {@link #LANE_THREADS} a
 * channel), so a provider that hangs or trickles holds up only its own part, each call cut at its
 * sender's deadline; a batch of one channel goes on the worker's own thread.
 *
 * <p>Each provider call first reserves its slot from the {@link Pacer} (shared by all nodes), waits
 * for it with the {@link Sleeper}, starts the call when {@link Pacer#start} allows (a slot kept late
 * waits for the sender's rate) and sends from the slot's sender; a slot later than the batch's
 * hand-back time puts the rest back to go then. A throttle slows the throttled sender down in the
 * pacer, and the rest of the part goes on in the next slots (other senders first); unpaced (a slot
 * at {@link Instant#MIN}, as {@link Pacer#UNPACED} gives), the rest waits as long as the provider asked.
 */
public final class Channels {

    private static final Logger LOG = LoggerFactory.getLogger(Channels.class);
    /** Receipts are written when this many are waiting … */
    static final int RECORD_EVERY = 200;
    /** … or when the oldest has waited this long. */
    private static final long RECORD_WITHIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Threads a channel sends on, across every batch of the node: as many as the outbox has sending threads by default. */
    static final int LANE_THREADS = 4;

    /**
     * A batch still sending after this long (a provider timing out on every call) hands the rest
     * back: well before its send leases run out and before another worker may claim its outbox
     * entries (five minutes idle), so no other worker can send those messages too. With each call
     * cut at its deadline (10 s), a batch ends within about 30 s.
     */
    static final Duration HAND_BACK_AFTER = Duration.ofSeconds(20);

    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final MessageStore messages;
    private final SendFailures failures;
    private final Once once;
    private final Clock clock;
    private final Pacer pacer;
    private final Sleeper sleeper;
    private final LaneWatch lanesAhead;

    /** Unpaced: every message goes as soon as the one before it has. */
    public Channels(List<ChannelSender> senders, MessageStore messages, SendFailures failures, Once once, Clock clock) {
        this(senders, messages, failures, once, clock, Pacer.UNPACED, Sleeper.of(clock), LaneWatch.NONE);
    }

    /**
     * Paced by {@code pacer}, waiting for each slot with {@code sleeper}; a bulk message about to
     * take a paced slot while {@code lanesAhead} says a higher lane waits goes back to the outbox
     * with the rest of its batch (not an attempt), so the slot goes to the higher lane.
     */
    public Channels(List<ChannelSender> senders, MessageStore messages, SendFailures failures, Once once, Clock clock,
                    Pacer pacer, Sleeper sleeper, LaneWatch lanesAhead) {
        this.pacer = pacer;
        this.sleeper = sleeper;
        this.lanesAhead = lanesAhead;
        for (ChannelSender s : senders) {
            this.senders.put(s.channel(), s);
        }
        this.messages = messages;
        this.failures = failures;
        this.once = once;
        this.clock = clock;
    }

    public void send(OutboundBatch<RenderedMessage> outbound) {
        Instant handBackAt = clock.instant().plus(HAND_BACK_AFTER);
        Map<String, List<RenderedMessage>> byChannel = new LinkedHashMap<>();
        for (RenderedMessage m : outbound.messages()) {
            byChannel.computeIfAbsent(m.to().channel(), c -> new ArrayList<>()).add(m);
        }
        if (byChannel.size() <= 1) { // one channel: no other to keep going meanwhile
            byChannel.values().forEach(part -> sendInOrder(part, outbound.leased(), handBackAt));
            return;
        }
        List<Future<?>> parts = new ArrayList<>(byChannel.size());
        byChannel.forEach((channel, part) -> parts.add(lane(channel).submit(
                () -> sendInOrder(part, outbound.leased(), handBackAt))));
        RuntimeException failed = null;
        for (Future<?> part : parts) {
            try {
                part.get(); // each ends within HAND_BACK_AFTER and one call's deadline
            } catch (ExecutionException e) {
                failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a batch was sending", e);
            }
        }
        if (failed != null) { // Redis went away: the batch is not done, the outbox delivers it again
            throw failed;
        }
    }

    private ExecutorService lane(String channel) {
        return lanes.computeIfAbsent(channel, c -> {
            ThreadPoolExecutor lane = new ThreadPoolExecutor(LANE_THREADS, LANE_THREADS, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "send-" + c);
                        t.setDaemon(true);
                        return t;
                    });
            lane.allowCoreThreadTimeOut(true); // idle lanes cost no thread
            return lane;
        });
    }

    /** One channel's part of a batch, in order, handing back what is not tried by {@code handBackAt}. */
    private void sendInOrder(List<RenderedMessage> batch, Set<String> leased, Instant handBackAt) {
        List<MessageStore.Sent> receipts = new ArrayList<>();
        long oldest = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                RenderedMessage message = batch.get(i);
                if (clock.instant().isAfter(handBackAt)) {
                    LOG.warn("a batch has been sending for over {} s: {} messages go back to the outbox",
                            HAND_BACK_AFTER.toSeconds(), batch.size() - i);
                    putBack(batch.subList(i, batch.size()), leased, "batch-too-slow", clock.instant());
                    break;
                }
                String channel = message.to().channel();
                if (pacer.paces(channel) && Lane.of(message.message().template(), message.message().kind()) == Lane.BULK
                        && lanesAhead.aheadOfBulk(channel)) { // a no-show alert came in behind this fan-out: it goes first
                    putBack(batch.subList(i, batch.size()), leased, "gave-way", clock.instant());
                    break;
                }
                Pacer.Slot slot = pacer.reserve(channel);
                if (slot.at().isAfter(handBackAt)) { // all its senders are busy or throttled for longer than this batch may take
                    putBack(batch.subList(i, batch.size()), leased, "paced", slot.at());
                    break;
                }
                try {
                    if (slot.at().isAfter(clock.instant())) {
                        sleeper.sleepUntil(slot.at());
                    }
                    // kept late, a slot would bunch with the next ones: its call starts when the sender's rate allows
                    Instant again = pacer.start(channel, slot.sender());
                    while (again != null && !again.isAfter(handBackAt)) {
                        sleeper.sleepUntil(again);
                        again = pacer.start(channel, slot.sender());
                    }
                    if (again != null) { // its sender is busy for longer than this batch may take
                        putBack(batch.subList(i, batch.size()), leased, "paced", again);
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the node is stopping: what is not tried goes back
                    putBack(batch.subList(i, batch.size()), leased, "interrupted", clock.instant());
                    break;
                }
                Failpoints.hit("outbound.before-send"); // nothing of this message has left yet
                try {
                    MessageStore.Sent sent = sendOne(message, slot);
                    Failpoints.hit("outbound.after-send"); // the provider has it; its receipt is not written yet
                    if (receipts.isEmpty()) {
                        oldest = System.nanoTime();
                    }
                    receipts.add(sent);
                } catch (SendFailedException e) {
                    failures.handle(message.message(), leased.contains(message.id()), e);
                    boolean paced = !slot.at().equals(Instant.MIN);
                    if (e.isThrottled() && paced) { // this sender goes slower for a while; the next slots route around it
                        pacer.throttled(message.to().channel(), slot.sender(), e.retryAfter().orElse(null));
                    } else if (e.isThrottled() && i + 1 < batch.size()) { // the provider asked us to slow down: the rest waits as long
                        putBack(batch.subList(i + 1, batch.size()), leased, e.code(),
                                clock.instant().plus(SendFailures.throttleWait(e)));
                        break;
                    }
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
    /**
     * Puts messages not yet tried back in the outbox to go at {@code at} (not an attempt: a batch too
     * slow, at once; after a throttle, when the provider asked), and lets go of the leases this worker holds.
     */
    private void putBack(List<RenderedMessage> rest, Set<String> leased, String reason, Instant at) {
        rest.stream().map(RenderedMessage::id).filter(leased::contains) // first, so the worker that picks them up can lease them
                .forEach(id -> once.forget(SendLease.key(id)));
        messages.holdUntil(rest.stream().map(RenderedMessage::message).toList(), reason, at);
    }

    /** One provider call; a sender's unexpected exception counts as a transient failure, so one bad message cannot stall its batch. */
    private MessageStore.Sent sendOne(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        ChannelSender sender = senders.get(message.to().channel());
        if (sender == null) {
            throw SendFailedException.permanent("no-channel", "no sender for channel " + message.to().channel());
        }
        try {
            return new MessageStore.Sent(message.message(), sender.channel(), message.text(), sender.send(message, slot),
                    message.attempt());
        } catch (RuntimeException e) {
            LOG.error("the {} sender failed on message {}: {}", sender.channel(), message.id(), e.toString());
            throw SendFailedException.transientFailure("error:" + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
        }
    }
}
