/**
 * Benchmarks run from the jar on this machine, each on its own private redis-server:
 * {@link org.shouhu.gateway.bench.WebhookBench} ({@code ./shouhu bench}) sends signed Twilio webhooks
 * through a whole gateway and reports latency and rates; {@link org.shouhu.gateway.bench.StoreBench}
 * ({@code ./shouhu bench-store}) measures Redis's work per message through the outbox for the layout
 * {@code RedisMessages} keeps, the one it kept before, and the least any layout could do — the floor
 * under the season simulation ({@code simulate}, in {@code org.shouhu.gateway.simulate}).
 */
package org.shouhu.gateway.bench;
