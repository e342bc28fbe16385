package org.shouhu.routes.route;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.templates.TemplateKey;

/**
 * Sends a message to the same person on their other channel. The link between a person's chat account and
 * phone is the phone the account gave when it was bound ({@code 绑定 12345678 13912345678}): a message meant for
 * an unreachable chat account goes to that phone ({@link #toSms}); a message the SMS provider holds back at that
 * phone (Aliyun's per-number flow control) goes to that chat account, when it follows one of the phone's children
 * ({@link #toChat}).
 */
final class Fallback {

    /**
     * Notices that go to every guardian of the child they name (the ladder's first step, the day's confirmations,
     * the evening reminder): a chat account following that child was sent its own copy beside the SMS.
     */
    static final Set<TemplateKey> TO_EVERY_GUARDIAN = EnumSet.of(TemplateKey.NO_SHOW_ALERT, TemplateKey.OVERDUE_ALERT,
            TemplateKey.ARRIVAL, TemplateKey.PICKUP, TemplateKey.ABSENCE_BY_STAFF, TemplateKey.PICKUP_REMINDER);

    private Fallback() {
    }

    /** True when a fallback SMS was queued. */
    static boolean toSms(StoredMessage message, CareStore care, Outbox outbox) {
        return care.fallbackPhone(message.to())
                .filter(phone -> !care.isOptedOut(phone))
                .map(phone -> {
                    outbox.enqueue(List.of(message.request().withTo(phone)));
                    return true;
                })
                .orElse(false);
    }

    /** What became of a message held back at a phone: see {@link #toChat}. */
    enum ByChat {
        /** The person has no chat account we can reach: the message waits for the phone. */
        NONE,
        /** A copy was queued to their chat account (once per message, however often this is asked). */
        QUEUED,
        /** Their chat account follows the child the notice is about, so it was sent its own copy: nothing to add. */
        HAS_ITS_OWN
    }

    /**
     * A message the SMS provider holds back at this phone goes to the person's chat account at once: one that gave
     * this phone when it was bound, still follows one of the phone's children, and is neither unreachable nor opted
     * out. A notice to every guardian of a child that account follows ({@link #TO_EVERY_GUARDIAN}) already went to
     * it on its own, so only the SMS is settled; anything else (a reply to her, a broadcast) is copied to it, under
     * a marker named after the message, so a redelivery of the held-back SMS never queues a second copy.
     */
    static ByChat toChat(StoredMessage message, CareStore care, Outbox outbox) {
        Address phone = message.to();
        if (!phone.isSms()) {
            return ByChat.NONE;
        }
        List<Child> children = care.identify(phone).children();
        if (children.isEmpty()) {
            return ByChat.NONE;
        }
        Map<String, List<Guardian>> guardians = care.guardiansOf(children.stream().map(Child::id).toList());
        Optional<Address> chat = guardians.values().stream().flatMap(Collection::stream).map(Guardian::address)
                .filter(a -> !a.isSms() && !Address.VOICE.equals(a.channel())).distinct()
                .filter(a -> care.fallbackPhone(a).filter(phone::equals).isPresent())
                .filter(a -> !care.isUnreachable(a) && !care.isOptedOut(a))
                .findFirst();
        if (chat.isEmpty()) {
            return ByChat.NONE;
        }
        String child = message.params().get("child");
        boolean itsOwn = message.kind() != MessageClass.REPLY && TO_EVERY_GUARDIAN.contains(message.template())
                && children.stream().filter(c -> c.name().equals(child))
                        .anyMatch(c -> guardians.get(c.id()).stream().anyMatch(g -> g.address().equals(chat.get())));
        if (itsOwn) {
            return ByChat.HAS_ITS_OWN;
        }
        outbox.enqueueOnce("fallback:" + message.id(), List.of(message.request().withTo(chat.get())));
        return ByChat.QUEUED;
    }
}
