package org.shouhu.routes.route;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A batch on its way through the outbound route, with the ids of the messages whose send lease
 * this worker holds (its redeliveries): only those leases are let go when a send fails or the
 * batch hands messages back; a first delivery has none, and must not drop another worker's.
 */
public record OutboundBatch<T>(List<T> messages, Set<String> leased) {

    /** The same batch, each message turned into the next step's form. */
    public <R> OutboundBatch<R> map(Function<T, R> step) {
        return new OutboundBatch<>(messages.stream().map(step).toList(), leased);
    }
}
