/**
 * The ports in Redis, the system of record: {@link org.shouhu.gateway.store.redis.RedisCareStore}
 * (care domain, with Caffeine caches of hot look-ups), {@link org.shouhu.gateway.store.redis.RedisMessages}
 * (outbox stream, message records, delivery status), {@link org.shouhu.gateway.store.redis.RedisCounters}
 * (act-once keys and rate windows) and {@link org.shouhu.gateway.store.redis.OutboxWorker} (the
 * consumer-group reader). {@code Keys} holds the key layout.
 */
package org.shouhu.gateway.store.redis;
