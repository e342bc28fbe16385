package org.shouhu.gateway.store.redis;

import java.util.List;
import org.shouhu.routes.model.Lane;
import org.shouhu.routes.port.LaneWatch;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link LaneWatch} on the outbox streams: a channel's urgent, reply or confirmation stream has an
 * entry newer than what the senders' group was last given. One script, one round trip; asked only
 * by a paced sender about to send a bulk message.
 */
public final class RedisLaneWatch implements LaneWatch {

    /** KEYS: the lanes above bulk; ARGV: the senders' group. 1 when one has an entry past the group's last delivered. */
    private static final String AHEAD = """
            local function newer(a, b)
              local am, as = string.match(a, '^(%d+)-(%d+)$')
              local bm, bs = string.match(b, '^(%d+)-(%d+)$')
              if not bm then return true end
              am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
              return am > bm or (am == bm and as > bs)
            end
            for i = 1, #KEYS do
              local top = redis.call('XREVRANGE', KEYS[i], '+', '-', 'COUNT', 1)
              if #top > 0 then
                local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[i])
                local last = '0-0'
                if ok then
                  for _, g in ipairs(groups) do
                    local name, delivered
                    for j = 1, #g, 2 do
                      if g[j] == 'name' then name = g[j + 1] elseif g[j] == 'last-delivered-id' then delivered = g[j + 1] end
                    end
                    if name == ARGV[1] then last = delivered end
                  end
                end
                if newer(top[1][1], last) then return 1 end
              end
            end
            return 0""";

    private final UnifiedJedis redis;

    public RedisLaneWatch(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public boolean aheadOfBulk(String channel) {
        if (!Lane.CHANNELS.contains(channel)) {
            return false;
        }
        List<String> lanes = List.of(Keys.lane(channel, Lane.URGENT), Keys.lane(channel, Lane.REPLY), Keys.lane(channel, Lane.CONFIRM));
        return Long.valueOf(1).equals(redis.eval(AHEAD, lanes, List.of(OutboxWorker.GROUP)));
    }
}
