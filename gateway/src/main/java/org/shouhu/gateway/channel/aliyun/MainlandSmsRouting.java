package org.shouhu.gateway.channel.aliyun;

import java.util.function.Predicate;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;

/**
 * The {@code sms} channel with two providers: mainland mobile numbers ({@code +86 1…}) through Aliyun, every other
 * number through the channel's other sender (Twilio).
 *
 * <p>Both share the {@code sms} channel's lanes and its pacer: a slot names a Twilio number, which the Twilio sender
 * sends from and Aliyun ignores. So with {@code TWILIO_MPS} set, mainland messages are paced at that rate too — far
 * below Aliyun's account limit (thousands a second), so Aliyun is never the one to refuse for speed; a throttle from
 * Aliyun slows the slot's number for a while like Twilio's would. Aliyun's own limit per recipient number is not
 * paced: it is handled as the per-recipient refusal it causes ({@link AliyunFailureClassifier}).
 */
public final class MainlandSmsRouting implements ChannelSender {

    private final ChannelSender aliyun;
    private final ChannelSender others;
    private final Predicate<Address> toAliyun;

    /** Mainland numbers to {@code aliyun}, the rest to {@code others}; both must serve {@code sms}. */
    public MainlandSmsRouting(ChannelSender aliyun, ChannelSender others) {
        this(aliyun, others, to -> true);
    }

    /**
     * The numbers {@code toAliyun} picks (of those Aliyun reaches) to {@code aliyun}, the rest to {@code others}: the
     * demo narrows Aliyun to one grandmother this way, to show both providers in one day.
     */
    public MainlandSmsRouting(ChannelSender aliyun, ChannelSender others, Predicate<Address> toAliyun) {
        if (!Address.SMS.equals(aliyun.channel()) || !Address.SMS.equals(others.channel())) {
            throw new IllegalArgumentException("both senders must serve the sms channel");
        }
        this.aliyun = aliyun;
        this.others = others;
        this.toAliyun = to -> AliyunSender.reaches(to) && toAliyun.test(to);
    }

    /**
     * {@code sender} as the node should use it when Aliyun is configured: the {@code sms} sender behind the routing,
     * any other channel's as it is.
     */
    public static ChannelSender wrap(ChannelSender sender, AliyunSettings settings) {
        return Address.SMS.equals(sender.channel()) ? new MainlandSmsRouting(new AliyunSender(settings), sender) : sender;
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
        return toAliyun.test(to) ? aliyun : others;
    }
}
