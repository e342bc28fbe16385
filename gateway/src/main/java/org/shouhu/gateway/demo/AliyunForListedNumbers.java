package org.shouhu.gateway.demo;

import java.util.Set;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;

/**
 * The demo's {@code sms} sender: only the numbers it lists go through Aliyun, every other through Twilio. A node with
 * Aliyun configured sends every mainland mobile number through Aliyun ({@code MainlandSmsRouting}); every phone of the
 * demo is one, so the demo narrows Aliyun to one grandmother to show both providers side by side in one day. Demo
 * only: production routing is not changed.
 */
final class AliyunForListedNumbers implements ChannelSender {

    private final Set<String> numbers;
    private final ChannelSender aliyun;
    private final ChannelSender others;

    AliyunForListedNumbers(Set<String> numbers, ChannelSender aliyun, ChannelSender others) {
        this.numbers = Set.copyOf(numbers);
        this.aliyun = aliyun;
        this.others = others;
    }

    @Override
    public String channel() {
        return Address.SMS;
    }

    @Override
    public SendReceipt send(Address to, String text, String messageId) throws SendFailedException {
        return senderFor(to).send(to, text, messageId);
    }

    @Override
    public SendReceipt send(RenderedMessage message) throws SendFailedException {
        return senderFor(message.to()).send(message);
    }

    @Override
    public SendReceipt send(RenderedMessage message, Pacer.Slot slot) throws SendFailedException {
        return senderFor(message.to()).send(message, slot);
    }

    private ChannelSender senderFor(Address to) {
        return to.isSms() && numbers.contains(to.value()) ? aliyun : others;
    }
}
