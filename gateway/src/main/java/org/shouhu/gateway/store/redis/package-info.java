/**
 * The ports in Redis, the system of record: {@link org.shouhu.gateway.store.redis.RedisCareStore}
 * (care domain, with Caffeine caches of hot look-ups), {@link org.shouhu.gateway.store.redis.RedisMessages}
 * (the outbox's streams, a lane per channel and urgency, message records, delivery status), {@link org.shouhu.gateway.store.redis.RedisIds}
 * (message and child ids that never repeat, even after Redis lost writes), {@link org.shouhu.gateway.store.redis.RedisCounters}
 * (act-once keys and rate windows), {@link org.shouhu.gateway.store.redis.RedisInboundClaims} (a
 * provider message's claim, and its done mark queued with its replies through
 * {@code RedisMessages.QUEUE_FUNCTION}, which the day-record script also queues with) and
 * {@link org.shouhu.gateway.store.redis.OutboxWorker} (the consumer-group reader, per channel highest
 * lane first and fan-outs in turn, which
 * dead-letters entries that fail every delivery into {@link org.shouhu.gateway.store.redis.DeadLetters}),
 * with {@link org.shouhu.gateway.store.redis.RedisSafetyStore} (schedules, ladders,
 * alerts and their fan-out jobs), {@link org.shouhu.gateway.store.redis.RedisMessageTally} (an alert's
 * messages counted by status, a pipelined {@code HMGET} per record hash) and {@link org.shouhu.gateway.store.redis.RedisSafetyEvents} (leases and done marks of the
 * timed events), both signed by {@link org.shouhu.gateway.store.redis.NodeLiveness} (a node's
 * short-lived key, so another takes over a dead node's outbox entries, leases and claims in seconds).
 * {@link org.shouhu.gateway.store.redis.CacheInvalidation} tells every node which cached
 * entries a write made stale (pub/sub); {@link org.shouhu.gateway.store.redis.RedisBindAttempts},
 * {@link org.shouhu.gateway.store.redis.RedisRemovals}, {@link org.shouhu.gateway.store.redis.RedisAuditLog}
 * and {@link org.shouhu.gateway.store.redis.RedisRetention} are bind limits, removal and erasure, the
 * audit log and retention; {@link org.shouhu.gateway.store.redis.RedisGauges} reads what the metrics
 * show at each scrape (outbox depth per lane, open escalations by step, a round trip); {@code KeyScan} walks keys with SCAN. {@code Keys} holds the key layout; {@code Pipelined} sends one command for many keys in a
 * single round trip, which is how batch reads and leases reach Redis; a batch of messages is
 * queued, and its receipts written, with one script call each.
 */
package org.shouhu.gateway.store.redis;
