/**
 * Time as a parameter: every component takes a {@link java.time.Clock}; production passes the
 * system clock, the demo and tests a {@link org.shouhu.gateway.clock.SettableClock} they move.
 */
package org.shouhu.gateway.clock;
