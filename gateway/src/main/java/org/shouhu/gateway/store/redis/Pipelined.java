package org.shouhu.gateway.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** The same command for many items in one pipeline: one round trip, answers in the items' order. */
final class Pipelined {

    private Pipelined() {
    }

    static <I, T> List<T> each(UnifiedJedis redis, List<I> items, BiFunction<AbstractPipeline, I, Response<T>> command) {
        List<Response<T>> responses = new ArrayList<>(items.size());
        try (AbstractPipeline p = redis.pipelined()) {
            items.forEach(item -> responses.add(command.apply(p, item)));
            p.sync();
        }
        List<T> answers = new ArrayList<>(responses.size());
        responses.forEach(r -> answers.add(r.get()));
        return answers;
    }
}
