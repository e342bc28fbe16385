package org.shouhu.gateway;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.shouhu.gateway.admin.AdminApi;
import org.shouhu.gateway.admin.SafetyAdmin;
import org.shouhu.gateway.clock.SettableClock;
import org.shouhu.gateway.schedule.SafetySweep;
import org.shouhu.gateway.store.redis.RedisSafetyEvents;
import org.shouhu.gateway.store.redis.RedisSafetyStore;
import org.shouhu.routes.care.AlertProgress;
import org.shouhu.routes.care.Alerts;
import org.shouhu.routes.care.ChatBinding;
import org.shouhu.routes.care.EscalationLadders;
import org.shouhu.routes.care.Lessons;
import org.shouhu.routes.care.SafetyService;
import org.shouhu.gateway.channel.twilio.TwilioApiClient;
import org.shouhu.gateway.channel.twilio.TwilioInboundEndpoint;
import org.shouhu.gateway.channel.twilio.TwilioSender;
import org.shouhu.gateway.channel.twilio.TwilioSettings;
import org.shouhu.gateway.channel.twilio.TwilioStatusEndpoint;
import org.shouhu.gateway.channel.telegram.TelegramSender;
import org.shouhu.gateway.channel.telegram.TelegramWebhookEndpoint;
import org.shouhu.gateway.channel.wechat.WechatEndpoint;
import org.shouhu.gateway.channel.wechat.WechatSender;
import org.shouhu.gateway.config.Config;
import org.shouhu.gateway.http.HttpEndpoint;
import org.shouhu.gateway.http.HttpLimits;
import org.shouhu.gateway.http.HttpReply;
import org.shouhu.gateway.http.HttpServer;
import org.shouhu.gateway.redis.PrivateRedis;
import org.shouhu.gateway.redis.RedisPools;
import org.shouhu.gateway.redis.RedisWatch;
import org.shouhu.gateway.store.redis.DeadLetters;
import org.shouhu.gateway.store.redis.OutboxWorker;
import org.shouhu.gateway.store.redis.RedisCareStore;
import org.shouhu.gateway.store.redis.RedisBindAttempts;
import org.shouhu.gateway.store.redis.RedisCounters;
import org.shouhu.gateway.store.redis.RedisInboundClaims;
import org.shouhu.gateway.store.redis.RedisMessages;
import org.shouhu.gateway.store.redis.RedisMessageTally;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.CareService;
import org.shouhu.routes.care.TextBudget;
import org.shouhu.routes.command.CommandParser;
import org.shouhu.gateway.pacing.PacedChannel;
import org.shouhu.gateway.pacing.RedisPacer;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.Sleeper;
import org.shouhu.routes.route.CamelInboundSink;
import org.shouhu.routes.route.Channels;
import org.shouhu.routes.route.InboundOnce;
import org.shouhu.routes.route.MessageRenderer;
import org.shouhu.routes.route.Recipients;
import org.shouhu.routes.route.ReplyCap;
import org.shouhu.routes.route.SendFailures;
import org.shouhu.routes.route.ShouhuRoutes;
import org.shouhu.templates.Templates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * One gateway node, assembled from its configuration: Redis (private or given), the stores, the
 * Camel routes, the channels, the outbox workers and the HTTP front. Nodes keep no state of their
 * own, so several can run on one Redis.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /**
     * How long a WeChat message's retry waits for another try that holds it: past WeChat's 5 s,
     * since WeChat retries only a call it got no answer to in time, never an error status.
     */
    private static final java.time.Duration WECHAT_PATIENCE = java.time.Duration.ofSeconds(6);

    private final PrivateRedis privateRedis;
    private final UnifiedJedis redis;
    private final RedisWatch watch;
    private final RedisCareStore care;
    private final RedisMessages messages;
    private final CamelContext camel;
    private final OutboxWorker outbox;
    private final HttpServer http;
    private final CareDay day;
    private final TwilioApiClient twilioApi;
    private final CamelInboundSink inbound;
    private final RedisSafetyStore safetyStore;
    private final org.shouhu.gateway.store.redis.NodeLiveness liveness;
    private final SafetyService safety;
    private volatile SafetySweep sweep; // volatile: readiness reads it from HTTP threads, which start before it is set
    private final org.shouhu.gateway.store.redis.CacheInvalidation invalidation;
    private final org.shouhu.gateway.schedule.RetentionSweep retention;
    /** The threads due sites fire on ({@code SHOUHU_SWEEP_THREADS}); none when it is 1. */
    private final ExecutorService firing;
    private final Alerts alerts;
    /** Expands alerts started on this node, one at a time; none where the outbox is drained by hand. */
    private final ExecutorService expanding;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Pacer pacer;
    private final org.shouhu.gateway.metrics.GatewayMetrics metrics;
    private final int configuredSweepSeconds;
    private final org.shouhu.gateway.report.Reports reports;

    private Gateway(Config config, Clock nodeClock, List<ChannelSender> replacements, TwilioSettings twilio,
                    PrivateRedis privateRedis) throws Exception {
        this.privateRedis = privateRedis;
        int connections = OutboxWorker.threadCount(config.outboxWorkers()) + config.httpWorkers() + 8;
        this.redis = privateRedis != null ? privateRedis.connect(connections) : RedisPools.tcp(config.redisUrl(), connections);
        Clock clock = org.shouhu.gateway.clock.RedisTimeClock.following(nodeClock, redis); // the system clock: fire by Redis's TIME, as every node does
        this.watch = RedisWatch.start(redis, Duration.ofMillis(500));
        if (privateRedis != null) { // its supervisor knows first; once restarted, no thread may get a connection to the dead one
            privateRedis.onDeath(() -> watch.markAway("redis-server exited"));
            privateRedis.onRestart(watch::markBack);
        }
        this.day = new CareDay(clock, config.zone());
        this.messages = new RedisMessages(redis, clock);
        this.care = new RedisCareStore(redis, clock, messages);
        this.invalidation = care.listenForInvalidations(); // a removed person is neither obeyed nor told on any node
        RedisCounters counters = new RedisCounters(redis, clock);
        RedisBindAttempts bindAttempts = new RedisBindAttempts(redis, clock);
        this.liveness = org.shouhu.gateway.store.redis.NodeLiveness.start(redis, config.nodeId()); // others take over what this node holds within seconds of its death
        this.safetyStore = new RedisSafetyStore(redis, messages, liveness);
        safetyStore.adoptOpenLaddersKeptPerChild(); // before anything reads a site day's open ladders
        safetyStore.indexKeptBeforeReports(); // once per Redis: reports find what an earlier version wrote
        Templates sms = Templates.smsZh();
        List<String> voiceFrom = voiceNumbers(config, twilio); // voice: no calling number, no call scheduled to fail
        EscalationLadders ladders = new EscalationLadders(care, safetyStore,
                voiceFrom.isEmpty() ? config.safety().withoutCalls() : config.safety(), day);
        // Alerts started here are expanded at once on this node, behind the answer; the sweep on any
        // node expands those whose node died first. Where no workers run (tests, the demo), the
        // caller drives it: drainOutbox, runSafety, expandAlerts.
        this.expanding = config.outboxWorkers() > 0 ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "alert-expand");
            t.setDaemon(true);
            return t;
        }) : null;
        Runnable expandAlertsSoon = expanding == null ? () -> { } : () -> {
            try {
                expanding.execute(() -> {
                    try {
                        expandAlerts();
                    } catch (RuntimeException e) { // Redis away: the next sweep, here or elsewhere, expands it
                        LOG.error("pending alerts not expanded now, left to the sweep: {}", e.toString());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) { // the sweep of another node expands it
                LOG.warn("alert expansion not started here: the node is stopping");
            }
        };
        Alerts alerts = new Alerts(care, safetyStore, day, expandAlertsSoon);
        this.alerts = alerts;
        // finish estimates and the staff broadcast's "约5分钟发完" follow the pacer's rates (TWILIO_MPS…);
        // unpaced, everything is "within a minute"
        this.pacer = pacer(config, twilio, redis, clock);
        AlertProgress progress = new AlertProgress(safetyStore, new RedisMessageTally(redis), pacer, clock);
        this.firing = config.sweepThreads() > 1 ? Executors.newFixedThreadPool(config.sweepThreads(), r -> {
            Thread t = new Thread(r, "safety-fire");
            t.setDaemon(true);
            return t;
        }) : null;
        this.safety = new SafetyService(care, safetyStore, new RedisSafetyEvents(redis, messages, liveness), day, config.safety(),
                ladders, alerts, firing);


        this.twilioApi = new TwilioApiClient(twilio.apiUrl());
        List<ChannelSender> senders = new java.util.ArrayList<>(List.of(
                new TwilioSender("sms", twilio, twilioApi),
                new TwilioSender("whatsapp", twilio, twilioApi)));
        config.telegram().ifPresent(t -> senders.add(new TelegramSender(t)));
        config.wechat().ifPresent(w -> senders.add(new WechatSender(w)));
        // Aliyun SMS (channel.aliyun): mainland numbers of the sms channel go through Aliyun, the rest through Twilio
        config.aliyun().ifPresent(a -> senders.replaceAll(s -> org.shouhu.gateway.channel.aliyun.MainlandSmsRouting.wrap(s, a)));
        if (!voiceFrom.isEmpty()) { // voice: calls to guardians who cannot read
            senders.add(new org.shouhu.gateway.channel.twilio.TwilioVoiceSender(twilio, voiceFrom, twilioApi, clock));
        }
        senders.addAll(replacements); // a later sender for the same channel wins
        this.configuredSweepSeconds = config.sweepSeconds();
        this.metrics = new org.shouhu.gateway.metrics.GatewayMetrics(new org.shouhu.gateway.store.redis.RedisGauges(redis), watch::away, clock);
        senders.replaceAll(metrics::metered); // each provider call counted by outcome, each message's wait timed by lane

        // a redelivery's send lease names this node, so a node that dies with one is not waited for ten minutes
        org.shouhu.gateway.store.redis.RedisSendLeases sendLeases = new org.shouhu.gateway.store.redis.RedisSendLeases(redis, counters, liveness);
        this.camel = new DefaultCamelContext();
        camel.setStreamCaching(false); // bodies are our own objects, never streams to read twice
        InboundOnce once = new InboundOnce(new RedisInboundClaims(redis, messages), clock,
                java.util.Map.of(WechatEndpoint.CHANNEL, WECHAT_PATIENCE));
        CareService careService = new CareService(care, safetyStore, ladders, counters, counters, day,
                new TextBudget(sms, config.smsSignature()), bindAttempts, alerts, progress, pacer);
        camel.addRoutes(new ShouhuRoutes(new ShouhuRoutes.Beans(once, care, new CommandParser(), careService,
                new ReplyCap(config.replyCapPerHour()),
                new Recipients(care, messages, messages, sendLeases, day, config.safety(), safetyStore),
                new MessageRenderer(sms, Templates.chatZh(), config.smsSignature()),
                new Channels(senders, messages, new SendFailures(messages, care, safetyStore, messages, sendLeases, clock), sendLeases, clock,
                        pacer, clock instanceof SettableClock settable ? settable::advanceTo : Sleeper.of(clock),
                        new org.shouhu.gateway.store.redis.RedisLaneWatch(redis)))));
        camel.start();
        ProducerTemplate producer = camel.createProducerTemplate();

        this.outbox = new OutboxWorker(redis, clock, ids -> producer.sendBody(ShouhuRoutes.OUTBOUND, ids), liveness,
                pacer); // a worker reads about the slots of its channel's next 200 ms, so lanes keep their order under pacing
        if (config.outboxWorkers() > 0) {
            outbox.start(config.outboxWorkers());
        }
        expandAlertsSoon.run(); // what a node that died before expanding left, without waiting for a sweep

        this.inbound = new CamelInboundSink(producer);
        org.shouhu.gateway.metrics.HealthEndpoints health = new org.shouhu.gateway.metrics.HealthEndpoints(() -> {
            try {
                return "PONG".equals(redis.ping());
            } catch (RuntimeException e) {
                return false;
            }
        }, this::schedulerRuns);
        this.reports = new org.shouhu.gateway.report.Reports(care, safetyStore, day);
        org.shouhu.gateway.channel.twilio.TwilioVoiceEndpoints voice = new org.shouhu.gateway.channel.twilio.TwilioVoiceEndpoints(
                twilio, inbound, messages, safetyStore, clock); // voice
        org.shouhu.gateway.store.redis.RedisCityAdmins cityAdmins = new org.shouhu.gateway.store.redis.RedisCityAdmins(redis);
        org.shouhu.gateway.store.redis.RedisSessions sessions = new org.shouhu.gateway.store.redis.RedisSessions(redis, clock);
        org.shouhu.gateway.console.Html html = new org.shouhu.gateway.console.Html();
        org.shouhu.gateway.console.People people = new org.shouhu.gateway.console.People(care, safetyStore, cityAdmins);
        org.shouhu.routes.port.AuditLog audit = new org.shouhu.gateway.store.redis.RedisAuditLog(redis);
        org.shouhu.gateway.console.ConsoleCommands commands = new org.shouhu.gateway.console.ConsoleCommands(once, care, careService, Templates.chatZh(), clock);
        org.shouhu.gateway.console.ConsoleEndpoint console = new org.shouhu.gateway.console.ConsoleEndpoint(people,
                new org.shouhu.gateway.store.redis.RedisLoginCodes(redis, clock), counters, sessions, messages, audit, clock,
                config.publicUrl(), html)
                .section("sites", new org.shouhu.gateway.console.SitePages(care, safetyStore, day,
                        commands, sessions, html,
                        twilio.numbers().stream().findFirst().orElse("—"))
                        .page("broadcast", new org.shouhu.gateway.console.BroadcastPage(care, safetyStore, progress,
                                commands,
                                sms, config.smsSignature(), day, sessions, html))
                        .page("voice", new org.shouhu.gateway.console.VoicePage(care, sessions, html)))
                .section("counties", new org.shouhu.gateway.console.CountyPages(care, safetyStore, day, sessions, html))
                .section("city", new org.shouhu.gateway.console.CityPage(care, safetyStore, day, html))
                .section("alerts", new org.shouhu.gateway.console.AlertPages(care, safetyStore,
                        new org.shouhu.gateway.admin.AlertRequests(alerts, safety, care), progress, reports, day, sessions, html))
                .section("health", new org.shouhu.gateway.console.HealthPages(new org.shouhu.gateway.console.DeliveryHealth(
                        new org.shouhu.gateway.store.redis.RedisGauges(redis), pacer, new DeadLetters(redis)::list,
                        metrics::recentSendErrors, day), html))
                .section("tokens", new org.shouhu.gateway.console.TokenPages(
                        new org.shouhu.gateway.store.redis.RedisPersonalTokens(redis, clock), day, sessions, html))
                .section("season", new org.shouhu.gateway.console.SeasonPages(care, safetyStore, reports, day, html))
                .section("exports", new org.shouhu.gateway.console.ExportPages(care, safetyStore, reports, day, audit, html));
        this.http = new HttpServer(new HttpLimits(config.httpWorkers(), config.http().queue(),
                        config.http().maxConnections(), config.http().idleTimeout()))
                .whileAway(watch::awaySince)
                .observe(metrics)
                .route("/twilio/sms", new TwilioInboundEndpoint(twilio, inbound, clock))
                .route("/twilio/status", new TwilioStatusEndpoint(twilio, messages, clock))
                .route(org.shouhu.gateway.channel.twilio.TwilioVoiceEndpoints.GATHER_PATH, voice.gather()) // voice
                .route(org.shouhu.gateway.channel.twilio.TwilioVoiceEndpoints.STATUS_PATH, voice.status()) // voice
                .routePrefix(org.shouhu.gateway.channel.aliyun.AliyunPushEndpoint.PREFIX, aliyunPushes(config, messages, clock)) // Aliyun SMS
                .route("/health", health.ready())
                .route("/health/ready", health.ready())
                .answerOnEventLoop("/health/live", org.shouhu.gateway.metrics.HealthEndpoints.LIVE)
                .route("/metrics", new org.shouhu.gateway.metrics.MetricsEndpoint(config.http().metricsToken(),
                        config.http().metricsLoopback(), metrics::scrape))
                .route("/console", console)
                .routePrefix("/console/", console)
                .routePrefix("/api/", new AdminApi(config.adminToken(), care, messages, day,
                        new SafetyAdmin(safetyStore, safety, alerts, new Lessons(care, safetyStore, day), messages,
                                new ChatBinding(care, safetyStore, bindAttempts), care, progress,
                                clock instanceof SettableClock settable && config.simulatedClock() ? settable : null),
                        new org.shouhu.gateway.admin.PrivacyAdmin(new org.shouhu.gateway.store.redis.RedisRemovals(redis, care),
                                audit, care, clock))
                        .withDeadLetters(new DeadLetters(redis)::list)
                        .withReports(reports)
                        .withPeople(people, new org.shouhu.gateway.store.redis.RedisPersonalTokens(redis, clock), cityAdmins))
                .route(TelegramWebhookEndpoint.PATH, config.telegram()
                        .<HttpEndpoint>map(t -> new TelegramWebhookEndpoint(t, inbound, clock))
                        .orElse(call -> HttpReply.text(404, "the Telegram channel is not configured")))
                .route(WechatEndpoint.PATH, config.wechat()
                        .<HttpEndpoint>map(w -> new WechatEndpoint(w, inbound, clock))
                        .orElse(call -> HttpReply.text(404, "the WeChat channel is not configured")))
                .start(config.http().host(), config.httpPort());
        this.sweep = config.sweepSeconds() > 0 ? SafetySweep.start(safety, config.sweepSeconds(), config.nodeId()) : null;
        this.retention = config.sweepSeconds() > 0 ? org.shouhu.gateway.schedule.RetentionSweep.start(retention(config), config.zone(), config.nodeId()) : null;
        LOG.info("gateway {} up: {}", config.nodeId(), config);
    }

    /** Aliyun's SmsUp and SmsReport pushes ({@code channel.aliyun}); 404 when Aliyun SMS is not configured. */
    private HttpEndpoint aliyunPushes(Config config, RedisMessages reports, Clock clock) {
        return config.aliyun().<HttpEndpoint>map(a -> new org.shouhu.gateway.channel.aliyun.AliyunPushEndpoint(a, inbound, reports, clock))
                .orElse(call -> HttpReply.text(404, "not found"));
    }

    /** Starts a node; {@code clock} is the system clock in production and a movable one in tests and the demo. */
    public static Gateway start(Config config, Clock clock) throws Exception {
        return start(config, clock, List.of());
    }

    /** A node whose senders for some channels are replaced (the season simulation's in-process provider). */
    public static Gateway start(Config config, Clock clock, List<ChannelSender> replacements) throws Exception {
        TwilioSettings twilio = new TwilioSettings(config.twilio().accountSid(), config.twilio().authToken(),
                config.twilio().from(), config.twilio().messagingServiceSid(), config.twilio().apiUrl(),
                config.publicUrl()); // checked before anything starts
        PrivateRedis own = config.redisUrl() == null ? PrivateRedis.startOwned(config.redisDir(), 0, config.redisMaxMemory()) : null;
        try {
            return new Gateway(config, clock, replacements, twilio, own);
        } catch (Exception | Error e) { // a node that did not start stops the server it started
            if (own != null) {
                own.close();
            }
            throw e;
        }
    }

    /**
     * The channels' pacing from the configuration: each Twilio number of {@code TWILIO_FROM} (or the
     * messaging service, which picks its own numbers) at {@code TWILIO_MPS} for SMS and
     * {@code TWILIO_WHATSAPP_MPS} for WhatsApp, both under the account's {@code TWILIO_ACCOUNT_MPS};
     * the Telegram bot and the WeChat account each as one identity. A rate of 0 leaves its channel unpaced.
     */
    private static Pacer pacer(Config config, TwilioSettings twilio, UnifiedJedis redis, Clock clock) {
        Config.Pacing rates = config.pacing();
        List<String> numbers = twilio.messagingServiceSid() != null ? java.util.Collections.singletonList(null) : twilio.numbers();
        java.util.Map<String, PacedChannel> paced = new java.util.HashMap<>();
        if (rates.twilioMps() > 0) {
            paced.put(org.shouhu.routes.model.Address.SMS, new PacedChannel(numbers, rates.twilioMps(), "twilio", rates.twilioAccountMps()));
        }
        if (rates.whatsappMps() > 0) {
            paced.put(TwilioSender.WHATSAPP, new PacedChannel(numbers, rates.whatsappMps(), "twilio", rates.twilioAccountMps()));
        }
        if (rates.telegramMps() > 0 && config.telegram().isPresent()) {
            paced.put(TelegramWebhookEndpoint.CHANNEL, PacedChannel.single(rates.telegramMps()));
        }
        if (rates.wechatMps() > 0 && config.wechat().isPresent()) {
            paced.put(WechatSender.CHANNEL, PacedChannel.single(rates.wechatMps()));
        }
        List<String> voiceFrom = voiceNumbers(config, twilio);
        if (rates.voiceCps() > 0 && !voiceFrom.isEmpty()) { // voice: each calling number at TWILIO_VOICE_CPS
            paced.put(org.shouhu.routes.model.Address.VOICE, new PacedChannel(voiceFrom, rates.voiceCps(),
                    null, 0));
        }
        return paced.isEmpty() ? Pacer.UNPACED : new RedisPacer(redis, clock, paced);
    }

    /** The numbers voice calls come from: {@code TWILIO_VOICE_FROM}, else {@code TWILIO_FROM}'s (voice). */
    private static List<String> voiceNumbers(Config config, TwilioSettings twilio) {
        String from = config.twilio().voiceFrom();
        return from == null || from.isBlank() ? twilio.numbers() : TwilioSettings.numbers(from);
    }

    /** How fast this node's channels may send, shared with every node on the Redis (lanes size their reads by it). */
    public Pacer pacer() {
        return pacer;
    }

    public int httpPort() {
        return http.port();
    }

    public RedisCareStore care() {
        return care;
    }

    public RedisMessages messages() {
        return messages;
    }

    public CareDay day() {
        return day;
    }

    /** What the daily retention job runs (SHOUHU_RETENTION_DAYS_AFTER_SEASON). */
    public org.shouhu.gateway.store.redis.RedisRetention retention(Config config) {
        return new org.shouhu.gateway.store.redis.RedisRetention(redis, safetyStore, day,
                new org.shouhu.routes.care.Retention(config.retentionDaysAfterSeason()));
    }

    /** Expands pending alerts and sends every message that is due now on the calling thread (tests and the demo). */
    public int drainOutbox() {
        expandAlerts();
        return outbox.drain();
    }

    /** Expands the alerts and broadcasts whose messages are not yet queued (claiming each); returns how many. */
    public int expandAlerts() {
        int expanded = 0;
        int now;
        do {
            now = alerts.expandPending(20);
            expanded += now;
        } while (now > 0);
        return expanded;
    }

    /** {@link #drainOutbox()} as drain lane {@code lane}, for callers draining on several threads at once. */
    public int drainOutbox(int lane) {
        return outbox.drain(lane);
    }

    /** Where messages people sent enter the inbound route (what every channel endpoint calls). */
    public CamelInboundSink inbound() {
        return inbound;
    }

    /** Fires what the safety loop has due now (what Quartz does every few seconds). */
    public int runSafety() {
        return safety.runDue();
    }

    /** The coordinator's reports (what {@code /api/exports/…} and {@code /api/reports/…} serve), for the console's pages. */
    public org.shouhu.gateway.report.Reports reports() {
        return reports;
    }

    public RedisSafetyStore safetyStore() {
        return safetyStore;
    }

    public UnifiedJedis redis() {
        return redis;
    }

    /** Whether the safety sweep's scheduler runs; a node configured without one needs none (not ready until it has started). */
    private boolean schedulerRuns() {
        SafetySweep running = sweep;
        return running == null ? configuredSweepSeconds <= 0 : running.isRunning();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (sweep != null) {
            sweep.close();
        }
        if (retention != null) {
            retention.close();
        }
        invalidation.close();
        if (firing != null) {
            firing.shutdown();
        }
        if (expanding != null) {
            expanding.shutdown();
        }
        http.close();
        outbox.close();
        liveness.close(); // a clean stop: nothing this node held waits for its key to expire
        try {
            twilioApi.close();
        } catch (IOException e) {
            LOG.warn("twilio client did not close cleanly: {}", e.toString());
        }
        try {
            camel.close();
        } catch (Exception e) {
            LOG.warn("camel did not stop cleanly: {}", e.toString());
        }
        metrics.close();
        watch.close();
        redis.close();
        if (privateRedis != null) {
            privateRedis.close();
        }
    }
}
