package org.shouhu.gateway.schedule;

import java.util.Properties;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.shouhu.routes.care.SafetyService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz drives the safety loop: one job, {@code safety-sweep}, fires every few seconds and asks
 * {@link SafetyService#runDue()} to take whatever is due by the gateway's clock (so it follows a
 * simulated clock too). The job carries no data and calls no provider; what is due is derived
 * from Redis each time, so RAMJobStore loses nothing on restart, a misfire fires once, late, and
 * Redis leases (which run out by the gateway's clock) and done marks make each event and ladder
 * step happen exactly once across nodes, a sweep that died half-way finished by a later one.
 */
public final class SafetySweep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SafetySweep.class);
    private static final String SERVICE = "safetyService";

    private final Scheduler scheduler;

    private SafetySweep(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Starts Quartz with the sweep every {@code seconds} seconds. */
    public static SafetySweep start(SafetyService service, int seconds, String nodeId) throws SchedulerException {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "shouhu-" + nodeId);
        props.setProperty("org.quartz.threadPool.threadCount", "1");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
        scheduler.getContext().put(SERVICE, service);
        scheduler.scheduleJob(
                JobBuilder.newJob(SweepJob.class).withIdentity("safety-sweep").build(),
                TriggerBuilder.newTrigger().withIdentity("safety-sweep").startNow()
                        .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever(seconds)
                                .withMisfireHandlingInstructionNextWithRemainingCount())
                        .build());
        scheduler.start();
        return new SafetySweep(scheduler);
    }

    /** Whether its scheduler is started and neither paused nor shut down (the node's readiness). */
    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("quartz did not stop cleanly: {}", e.toString());
        }
    }

    /** The sweep: no data of its own, never two at once on a node. */
    @DisallowConcurrentExecution
    public static final class SweepJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                SafetyService service = (SafetyService) context.getScheduler().getContext().get(SERVICE);
                service.runDue();
            } catch (SchedulerException | RuntimeException e) {
                LOG.error("safety sweep failed, next sweep retries: {}", e.toString());
            }
        }
    }
}
