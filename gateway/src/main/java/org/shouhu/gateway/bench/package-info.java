/**
 * Benchmarks run from the jar on this machine, each on its own private redis-server:
 * {@link org.shouhu.gateway.bench.WebhookBench} ({@code ./shouhu bench}) sends signed Twilio webhooks
 * through a whole gateway and reports latency and rates; {@link org.shouhu.gateway.bench.StoreBench}
 * ({@code ./shouhu bench-store}) measures Redis's work per message through the outbox for the layout
 * {@code RedisMessages} keeps, the one it kept before, and the least any layout could do — the floor
 * under the season simulation ({@code simulate}, in {@code org.shouhu.gateway.simulate});
 * {@link org.shouhu.gateway.bench.BenchSuite} ({@code ./shouhu bench-suite}) runs issue 13's
 * benchmarks side by side — {@link org.shouhu.gateway.bench.HelloServer} (bare Netty) and Kannel as
 * baselines, a gateway node in its own JVM, all under {@code wrk} or an open-loop HdrHistogram
 * client — and prints one table (docs/performance.md); {@link org.shouhu.gateway.bench.ProviderEmulator}
 * ({@code ./shouhu provider}) is the Twilio Messages API they send to, with a per-sender rate, 429s
 * and latency.
 */
package org.shouhu.gateway.bench;
