/**
 * How an operator sees a node from outside. {@link org.shouhu.gateway.metrics.GatewayMetrics} keeps the
 * node's metrics in a Micrometer registry: it hears every HTTP answer (as the front's
 * {@link org.shouhu.gateway.http.HttpObserver}), wraps each channel's sender in a
 * {@link org.shouhu.gateway.metrics.MeteredSender} that counts provider calls by outcome and times each
 * message's wait by lane, reads the outbox's depth, the open escalations and a Redis round trip at each
 * scrape ({@link org.shouhu.gateway.store.redis.RedisGauges}), and binds the JVM's own meters; it also
 * keeps the provider calls refused in the last hour by minute ({@link org.shouhu.gateway.metrics.RecentSendErrors}),
 * which the console's delivery health shows.
 * {@link org.shouhu.gateway.metrics.MetricsEndpoint} serves them as Prometheus text at {@code GET /metrics}
 * (a bearer token, or loopback callers only); {@link org.shouhu.gateway.metrics.HealthEndpoints} answers
 * liveness and readiness.
 */
package org.shouhu.gateway.metrics;
