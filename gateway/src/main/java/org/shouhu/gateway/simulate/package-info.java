/**
 * The season simulation ({@code shouhu.jar simulate}): a whole city's summer through a real
 * gateway node on a simulated clock, with an in-process SMS provider; see docs/season-simulation.md.
 */
package org.shouhu.gateway.simulate;
