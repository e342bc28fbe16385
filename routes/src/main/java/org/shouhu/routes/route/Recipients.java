package org.shouhu.routes.route;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.SafetySettings;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboxEntry;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.Once;
import org.shouhu.routes.port.Outbox;

/**
 * Decides, at send time and for a batch of messages at once, which go now: after opt-out only
 * replies to the person's own messages go out (the rest is recorded as suppressed), a chat
 * account that blocked us gets its notice by SMS instead, routine notices are held through the
 * quiet hours (21:00–08:00 in the sites' zone) while replies and safety alerts go at any hour.
 * A first delivery is sent as the outbox entry carries it; a redelivery is read from its record,
 * skipped when it was sent or settled meanwhile, and leased, so that a message another worker is
 * already sending waits for that send to be recorded.
 */
public final class Recipients {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Recipients.class);

    private final CareStore care;
    private final MessageStore messages;
    private final Outbox outbox;
    private final Once once;
    private final CareDay day;
    private final SafetySettings settings;
    /** Who hears of a safety message to an unreachable chat account with no phone to fall back to; null: nobody. */
    private final UnreachableNotice notice;

    public Recipients(CareStore care, MessageStore messages, Outbox outbox, Once once, CareDay day,
                      SafetySettings settings) {
        this(care, messages, outbox, once, day, settings, null);
    }

    /** As above; a safety message that cannot go (an unreachable chat account, no phone) is told to the captain. */
    public Recipients(CareStore care, MessageStore messages, Outbox outbox, Once once, CareDay day,
                      SafetySettings settings, org.shouhu.routes.port.SafetyStore safety) {
        this.notice = safety == null ? null : new UnreachableNotice(care, safety);
        this.care = care;
        this.once = once;
        this.outbox = outbox;
        this.messages = messages;
        this.day = day;
        this.settings = settings;
    }

    /** The messages among these entries to send now, redeliveries leased to this worker; the rest are dealt with here. */
    public OutboundBatch<StoredMessage> sendable(List<OutboxEntry> entries) {
        List<StoredMessage> open = new ArrayList<>(entries.size());
        Map<String, OutboxEntry> again = new LinkedHashMap<>();
        for (OutboxEntry e : entries) {
            if (e.isFirstDelivery()) {
                open.add(e.message());
            } else {
                again.put(e.id(), e);
            }
        }
        if (!again.isEmpty()) {
            open.addAll(stillToSend(again));
        }
        Set<Address> optedOut = care.optedOutAmong(addresses(open, m -> m.kind() != MessageClass.REPLY));
        Set<Address> unreachable = care.unreachableAmong(addresses(open, m -> !m.to().isSms()));
        ZonedDateTime now = day.now();
        boolean quiet = settings.isQuiet(now.toLocalTime());
        List<StoredMessage> go = new ArrayList<>();
        List<StoredMessage> held = new ArrayList<>();
        for (StoredMessage m : open) {
            if (m.kind() != MessageClass.REPLY && optedOut.contains(m.to())) {
                messages.recordSuppressed(m, "opted-out");
            } else if (unreachable.contains(m.to())) {
                boolean bySms = Fallback.toSms(m, care, outbox);
                if (!bySms && notice != null) {
                    notice.tell(m, outbox);
                }
                messages.recordSuppressed(m, bySms ? "unreachable:sms-fallback" : "unreachable");
            } else if (m.kind() == MessageClass.ROUTINE && quiet) {
                held.add(m);
            } else {
                go.add(m);
            }
        }
        if (!held.isEmpty()) {
            messages.holdUntil(held, "quiet-hours", quietEnd(now).toInstant());
        }
        return leased(go, again.keySet());
    }

    /**
     * Lets go of send leases this worker took for a batch the route then failed on, so the batch's
     * redelivery, which comes at once, is not put off as "being sent" by its own earlier try.
     */
    public void release(java.util.Collection<String> leasedIds) {
        leasedIds.forEach(id -> once.forget(SendLease.key(id)));
    }

    /**
     * The redelivered messages that still need sending: as their records have them, unless sent or
     * settled meanwhile (a provider's report alone says it was sent); one with no record yet is
     * sent as its entry carries it (a stopped node's entry that it never got to). A bare id with
     * no record at all cannot be sent: it is logged, never silently dropped.
     */
    private List<StoredMessage> stillToSend(Map<String, OutboxEntry> again) {
        Map<String, StoredMessage> recorded = new HashMap<>();
        messages.loadAll(List.copyOf(again.keySet())).forEach(m -> recorded.put(m.id(), m));
        List<StoredMessage> result = new ArrayList<>(again.size());
        for (OutboxEntry e : again.values()) {
            StoredMessage m = recorded.get(e.id());
            if (m != null && (m.providerId() != null || m.status().isFinal())) {
                continue;
            }
            if (m != null && !m.isReportOnly()) {
                result.add(m);
            } else if (e.message() != null) {
                result.add(e.message());
            } else {
                LOG.error("message {} came back to be sent but has no record: it cannot be sent", e.id());
            }
        }
        return result;
    }

    /**
     * Takes the send lease on each redelivered message; one whose lease another worker holds (it
     * claimed the outbox entry while the first was still busy) is looked at again once that lease
     * has run out, when its send is recorded or it is free to go.
     */
    private OutboundBatch<StoredMessage> leased(List<StoredMessage> go, Set<String> redelivered) {
        if (redelivered.isEmpty()) {
            return new OutboundBatch<>(go, Set.of());
        }
        Set<String> mine = once.firstOf(go.stream().filter(m -> redelivered.contains(m.id()))
                .map(m -> SendLease.key(m.id())).toList(), SendLease.TTL);
        List<StoredMessage> result = new ArrayList<>(go.size());
        Set<String> leased = new HashSet<>();
        List<StoredMessage> busy = new ArrayList<>();
        for (StoredMessage m : go) {
            if (!redelivered.contains(m.id())) {
                result.add(m);
            } else if (mine.contains(SendLease.key(m.id()))) {
                result.add(m);
                leased.add(m.id());
            } else {
                busy.add(m);
            }
        }
        if (!busy.isEmpty()) {
            Instant later = day.clock().instant().plus(SendLease.TTL);
            messages.holdUntil(busy, "being-sent", later);
        }
        return new OutboundBatch<>(result, leased);
    }

    private static Set<Address> addresses(List<StoredMessage> list, java.util.function.Predicate<StoredMessage> which) {
        Set<Address> out = new HashSet<>();
        list.stream().filter(which).forEach(m -> out.add(m.to()));
        return out;
    }

    private ZonedDateTime quietEnd(ZonedDateTime now) {
        ZonedDateTime end = now.toLocalDate().atTime(settings.quietUntil()).atZone(now.getZone());
        return end.isAfter(now) ? end : end.plusDays(1);
    }
}
