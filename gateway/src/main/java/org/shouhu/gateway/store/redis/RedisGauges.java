package org.shouhu.gateway.store.redis;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shouhu.routes.model.Lane;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * What the node's metrics read from Redis when they are scraped: the outbox's depth per channel and
 * lane, the escalations open at each step, and how long a round trip to Redis takes.
 */
public final class RedisGauges {

    private final UnifiedJedis redis;

    public RedisGauges(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * A lane's messages not yet sent: {@code queued}, not yet read by the senders' group, and
     * {@code inFlight}, read by a worker but not yet acknowledged.
     */
    public record LaneDepth(long queued, long inFlight) {

        /** Queued and in flight together: what the lane still has to send. */
        public long total() {
            return queued + inFlight;
        }
    }

    /**
     * Messages of a channel's lane not yet sent: entries the senders' group has not read yet and
     * entries read but not acknowledged (in flight); for the bulk lane, over all its fan-outs.
     */
    public long outboxDepth(String channel, Lane lane) {
        return outboxLane(channel, lane).total();
    }

    /** {@link #outboxDepth} split into queued and in flight (the console's delivery health shows both). */
    public LaneDepth outboxLane(String channel, Lane lane) {
        if (lane != Lane.BULK) {
            return depth(Keys.lane(channel, lane));
        }
        long queued = 0;
        long inFlight = 0;
        for (String group : redis.zrange(Keys.bulkGroups(channel), 0, -1)) {
            LaneDepth d = depth(Keys.bulkGroup(channel, group));
            queued += d.queued();
            inFlight += d.inFlight();
        }
        return new LaneDepth(queued, inFlight);
    }

    private LaneDepth depth(String stream) {
        if (!redis.exists(stream)) {
            return new LaneDepth(0, 0);
        }
        for (StreamGroupInfo group : redis.xinfoGroups(stream)) {
            if (OutboxWorker.GROUP.equals(group.getName())) {
                Object lag = group.getGroupInfo().get("lag"); // entries not yet read by the group (Redis 7)
                long unread = lag instanceof Long l ? l : redis.xlen(stream) - group.getPending();
                return new LaneDepth(Math.max(0, unread), group.getPending());
            }
        }
        return new LaneDepth(redis.xlen(stream), 0); // no senders' group yet: nothing has been read
    }

    /** Messages put off to a later time, every channel together: retries after a failure or a throttle, quiet-hours holds. */
    public long outboxDelayed() {
        return redis.zcard(Keys.outboxDelayed());
    }

    /**
     * Open escalation ladders by the step they have reached (0 the guardians, 1 the captain): those with a
     * next step due. The last step, the coordinator's, closes a ladder as it is sent.
     */
    public Map<Integer, Long> openEscalationsByStep() {
        List<String> ids = redis.zrange(Keys.laddersDue(), 0, -1);
        Map<Integer, Long> byStep = new TreeMap<>();
        if (ids.isEmpty()) {
            return byStep;
        }
        List<Response<String>> steps = new java.util.ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> steps.add(p.hget(Keys.ladder(id), "step")));
            p.sync();
        }
        for (Response<String> step : steps) {
            if (step.get() != null) {
                byStep.merge(Integer.parseInt(step.get()), 1L, Long::sum);
            }
        }
        return byStep;
    }

    /** Seconds one {@code PING} takes to come back. */
    public double roundTripSeconds() {
        long began = System.nanoTime();
        redis.ping();
        return (System.nanoTime() - began) / 1e9;
    }
}
