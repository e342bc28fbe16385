/**
 * Scheduling: {@link org.shouhu.gateway.schedule.SafetySweep} runs Quartz with one repeating job
 * that asks the safety service to take what is due; all timing state lives in Redis.
 */
package org.shouhu.gateway.schedule;
