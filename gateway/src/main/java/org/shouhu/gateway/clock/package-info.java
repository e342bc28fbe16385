/**
 * Time as a parameter: every component takes a {@link java.time.Clock}; production passes the
 * system clock corrected to Redis's {@code TIME} ({@link org.shouhu.gateway.clock.RedisTimeClock}, so
 * all nodes fire by one time), the demo and tests a {@link org.shouhu.gateway.clock.SettableClock} they move (a node on it waits
 * for a pacer's slot by moving it on, never sleeping).
 */
package org.shouhu.gateway.clock;
