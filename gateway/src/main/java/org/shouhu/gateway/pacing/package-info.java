/**
 * Pacing per sender: {@link org.shouhu.gateway.pacing.RedisPacer} hands out each channel's provider
 * slots from a GCRA kept in Redis (one script per slot), so every node together keeps each sending
 * identity (a Twilio number, a bot) at its configured rate and slows one down for a while after the
 * provider throttled it; {@link org.shouhu.gateway.pacing.PacedChannel} is one channel's identities and rates.
 */
package org.shouhu.gateway.pacing;
