package org.shouhu.routes.port;

/**
 * Whether a channel's outbox holds messages of a lane above bulk that no sender has taken yet: a
 * paced sender with bulk messages in hand gives them back rather than take the slot those need.
 */
@FunctionalInterface
public interface LaneWatch {

    /** True when an urgent, reply or confirmation message of {@code channel} waits to be read. */
    boolean aheadOfBulk(String channel);

    /** One lane, or no outbox to look at (in-memory stores): bulk never gives way. */
    LaneWatch NONE = channel -> false;
}
