package org.shouhu.gateway.schedule;

import java.time.ZoneId;
import java.util.Properties;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.shouhu.gateway.store.redis.RedisRetention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz runs the retention job, {@code retention}, daily at 03:30 in the sites' zone (and once at
 * start, for a node that was down at 03:30): it deletes what is past retention (season end plus
 * {@code SHOUHU_RETENTION_DAYS_AFTER_SEASON} days). A Redis marker per day lets one node do it;
 * a failed run lets go of it, so the next node's or the next day's run does it.
 */
public final class RetentionSweep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweep.class);
    private static final String RETENTION = "retention";

    private final Scheduler scheduler;

    private RetentionSweep(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Starts Quartz with the job daily at 03:30 in {@code zone}, and once now. */
    public static RetentionSweep start(RedisRetention retention, ZoneId zone, String nodeId) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "shouhu-retention-" + nodeId);
        props.setProperty("org.quartz.threadPool.threadCount", "1");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
        scheduler.getContext().put(RETENTION, retention);
        var job = JobBuilder.newJob(RetentionJob.class).withIdentity(RETENTION).storeDurably().build();
        scheduler.addJob(job, false);
        scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity("retention-daily").forJob(job)
                .withSchedule(CronScheduleBuilder.dailyAtHourAndMinute(3, 30).inTimeZone(TimeZone.getTimeZone(zone))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build());
        scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity("retention-at-start").forJob(job).startNow().build());
        scheduler.start();
        return new RetentionSweep(scheduler);
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("quartz (retention) did not stop cleanly: {}", e.toString());
        }
    }

    /** The job: deletes what is past retention, once a day across nodes. */
    @DisallowConcurrentExecution
    public static final class RetentionJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            try {
                RedisRetention retention = (RedisRetention) context.getScheduler().getContext().get(RETENTION);
                if (!retention.runTodayOnce()) {
                    LOG.debug("retention already ran today on another node");
                }
            } catch (SchedulerException | RuntimeException e) {
                LOG.error("retention job failed, the next run retries: {}", e.toString());
            }
        }
    }
}
