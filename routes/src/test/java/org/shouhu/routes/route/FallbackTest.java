package org.shouhu.routes.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.StoredMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.Outbox;
import org.shouhu.templates.TemplateKey;

/**
 * Which chat account takes a message Aliyun holds back at a grandmother's phone: hers (it gave her phone when
 * bound) while it follows one of her children and can be reached; a notice to every guardian of a child it follows
 * is already there on its own, anything else is copied once under the message's id.
 */
class FallbackTest {

    static final Address GRANDMA = new Address("+8613912340002");
    static final Address HER_CHAT = new Address("telegram:777002");
    static final Address FATHERS_CHAT = new Address("wechat:oWxFather");
    static final Child XIAOHONG = new Child("c2", "ZT0427", 2, "李小红");
    static final Child XIAOMING = new Child("c1", "ZT0427", 1, "王小明");

    final Map<String, List<Guardian>> guardians = new LinkedHashMap<>();
    final Map<Address, Address> fallbackPhones = new LinkedHashMap<>(Map.of(HER_CHAT, GRANDMA,
            FATHERS_CHAT, new Address("+8613712340000")));
    final Set<Address> unreachable = new HashSet<>();
    final List<String> queued = new ArrayList<>();

    FallbackTest() {
        guardians.put(XIAOHONG.id(), List.of(new Guardian(GRANDMA, "外婆"), new Guardian(HER_CHAT, "父母"),
                new Guardian(FATHERS_CHAT, "父母")));
        guardians.put(XIAOMING.id(), List.of(new Guardian(GRANDMA, "奶奶")));
    }

    @SuppressWarnings("unchecked")
    static <T> T fake(Class<T> type, java.util.function.BiFunction<String, Object[], Object> calls) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> calls.apply(method.getName(), args));
    }

    Fallback.ByChat heldBack(TemplateKey template, String child, MessageClass kind) {
        CareStore care = fake(CareStore.class, (name, args) -> switch (name) {
            case "identify" -> new Sender((Address) args[0], Optional.empty(), List.of(XIAOHONG, XIAOMING));
            case "guardiansOf" -> guardians;
            case "fallbackPhone" -> Optional.ofNullable(fallbackPhones.get((Address) args[0]));
            case "isUnreachable" -> unreachable.contains((Address) args[0]);
            case "isOptedOut" -> false;
            default -> throw new UnsupportedOperationException(name);
        });
        Outbox outbox = fake(Outbox.class, (name, args) -> {
            if (!name.equals("enqueueOnce")) {
                throw new UnsupportedOperationException(name);
            }
            ((List<OutboundMessage>) args[1]).forEach(m -> queued.add(args[0] + " " + m.to().value() + " " + m.template()));
            return true;
        });
        StoredMessage m = StoredMessage.queued(new OutboundMessage("m7", GRANDMA, template, Map.of("child", child), kind),
                Instant.parse("2026-07-15T00:30:00Z"));
        return Fallback.toChat(m, care, outbox);
    }

    @Test
    void anAlertAboutAChildHerChatFollowsIsAlreadyThere() {
        assertEquals(Fallback.ByChat.HAS_ITS_OWN, heldBack(TemplateKey.NO_SHOW_ALERT, "李小红", MessageClass.SAFETY));
        assertEquals(List.of(), queued, "no second copy to her chat");
    }

    @Test
    void theAnswerToHerOwnSmsIsCopiedToHerChatUnderTheMessagesId() {
        assertEquals(Fallback.ByChat.QUEUED, heldBack(TemplateKey.ABSENCE_RECORDED, "李小红", MessageClass.REPLY));
        assertEquals(List.of("fallback:m7 telegram:777002 ABSENCE_RECORDED"), queued, "to her account, not the father's");
    }

    @Test
    void anAlertAboutAChildHerChatDoesNotFollowIsCopied() {
        assertEquals(Fallback.ByChat.QUEUED, heldBack(TemplateKey.NO_SHOW_ALERT, "王小明", MessageClass.SAFETY));
        assertEquals(List.of("fallback:m7 telegram:777002 NO_SHOW_ALERT"), queued);
    }

    @Test
    void aChatAccountThatBlockedUsOrGaveAnotherPhoneTakesNothing() {
        unreachable.add(HER_CHAT);
        assertEquals(Fallback.ByChat.NONE, heldBack(TemplateKey.NO_SHOW_ALERT, "李小红", MessageClass.SAFETY), "it waits");
        unreachable.clear();
        fallbackPhones.remove(HER_CHAT);
        assertEquals(Fallback.ByChat.NONE, heldBack(TemplateKey.ABSENCE_RECORDED, "李小红", MessageClass.REPLY),
                "the father's account is not hers");
        assertEquals(List.of(), queued);
    }
}
