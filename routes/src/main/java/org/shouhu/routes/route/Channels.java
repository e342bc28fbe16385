package org.shouhu.routes.route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.MessageStore;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;

/** Hands each rendered message to the sender of its address's channel and records what the provider said. */
public final class Channels {

    private final Map<String, ChannelSender> senders = new HashMap<>();
    private final MessageStore messages;

    public Channels(List<ChannelSender> senders, MessageStore messages) {
        for (ChannelSender s : senders) {
            this.senders.put(s.channel(), s);
        }
        this.messages = messages;
    }

    public void send(RenderedMessage message) throws SendFailedException {
        ChannelSender sender = senders.get(message.to().channel());
        if (sender == null) {
            throw SendFailedException.permanent("no-channel", "no sender for channel " + message.to().channel());
        }
        SendReceipt receipt = sender.send(message.to(), message.text(), message.id(), message.template());
        messages.recordSent(message.id(), sender.channel(), message.text(), receipt);
    }
}
