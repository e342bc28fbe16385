package org.shouhu.routes.care;

import java.util.List;
import java.util.Map;

/**
 * An alert as its progress is read: whether its fan-out was expanded (its messages queued), its
 * recipients per channel and its message ids.
 */
public record AlertFanOut(Alert alert, boolean expanded, Map<String, Integer> recipientsByChannel, List<String> messageIds) {
    public AlertFanOut {
        recipientsByChannel = Map.copyOf(recipientsByChannel);
        messageIds = List.copyOf(messageIds);
    }
}
