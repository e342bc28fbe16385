/**
 * Scheduling: {@link org.shouhu.gateway.schedule.SafetySweep} runs Quartz with one repeating job
 * that asks the safety service to take what is due, and {@link org.shouhu.gateway.schedule.RetentionSweep}
 * a daily job that deletes what is past retention; all timing state lives in Redis.
 */
package org.shouhu.gateway.schedule;
