package org.shouhu.gateway.channel.aliyun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.DeliveryStatus;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendReceipt;
import org.shouhu.templates.TemplateKey;

/** The sms channel with Aliyun configured: mainland mobiles through Aliyun, every other number through Twilio. */
class AliyunRoutingTest {

    /** A sender that notes what it was given, and the slot. */
    static final class Recording implements ChannelSender {
        final String name;
        final List<String> got = new ArrayList<>();

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String channel() {
            return "sms";
        }

        @Override
        public SendReceipt send(Address to, String text, String messageId) {
            got.add(to.value());
            return new SendReceipt(name, DeliveryStatus.QUEUED);
        }

        @Override
        public SendReceipt send(RenderedMessage message, Pacer.Slot slot) {
            got.add(message.to().value() + "@" + slot.sender());
            return new SendReceipt(name, DeliveryStatus.QUEUED);
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "+8613912345678, aliyun",
            "+8619912345678, aliyun",
            "+8615000000000, aliyun",
            "+8612912345678, twilio", // no mobile starts 12
            "+861069000123, twilio", // a Beijing landline
            "+85291234567, twilio", // Hong Kong
            "+15005550006, twilio",
            "+447700900123, twilio"})
    void eachNumberGoesToItsProviderWithThePacersSlot(String to, String provider) throws Exception {
        Recording aliyun = new Recording("aliyun");
        Recording twilio = new Recording("twilio");
        MainlandSmsRouting sms = new MainlandSmsRouting(aliyun, twilio);

        SendReceipt receipt = sms.send(AliyunSenderTest.message("m1", to, TemplateKey.ARRIVAL, Map.of()),
                new Pacer.Slot("+15005550006", Instant.EPOCH));

        assertEquals(provider, receipt.providerId());
        assertEquals(List.of(to + "@+15005550006"), provider.equals("aliyun") ? aliyun.got : twilio.got);
        assertEquals(List.of(), provider.equals("aliyun") ? twilio.got : aliyun.got);
    }

    @Test
    void onlyTheSmsSenderIsWrapped() {
        AliyunSettings settings = AliyunSenderTest.settings("http://127.0.0.1:9");
        Recording sms = new Recording("twilio");
        ChannelSender telegram = new ChannelSender() {
            @Override
            public String channel() {
                return "telegram";
            }

            @Override
            public SendReceipt send(Address to, String text, String messageId) {
                return null;
            }
        };
        assertEquals(MainlandSmsRouting.class, MainlandSmsRouting.wrap(sms, settings).getClass());
        assertSame(telegram, MainlandSmsRouting.wrap(telegram, settings));
        assertThrows(IllegalArgumentException.class, () -> new MainlandSmsRouting(telegram, sms));
    }
}
