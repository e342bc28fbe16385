package org.shouhu.gateway.store.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.shouhu.routes.care.Alert;
import org.shouhu.routes.care.AlertAcknowledgements;
import org.shouhu.routes.care.AlertFanOut;
import org.shouhu.routes.care.AlertJob;
import org.shouhu.routes.care.Coordinator;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Ladder;
import org.shouhu.routes.care.LadderKind;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.MessageClass;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.SafetyStore;
import org.shouhu.templates.TemplateKey;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * The safety loop in Redis: schedules and coordinators as hashes, each ladder a hash (step, closed,
 * due, its step log as a list) with its next step in the sorted set {@code sh:ladders:due}, claimed
 * with a visibility timeout (and, with liveness, noted in {@code sh:ladders:claims} so a dead node's
 * claims are taken at once), each step taken by one transaction that re-reads the child's day and
 * queues the step's messages once ({@link RedisMessages#enqueueOnceIf}), and among its site day's open ladders (one set, so a check-in of twenty children
 * looks once, not twenty times); alerts with their recipient, acknowledged and message sets.
 */
public final class RedisSafetyStore implements SafetyStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisSafetyStore.class);

    private static final Duration KEEP = Duration.ofDays(400);
    private static final Duration ACK_WINDOW = Duration.ofDays(2);
    /** A site day's open ladders matter that day; the set outlives it a little for a late answer. */
    private static final Duration OPEN_KEEP = Duration.ofDays(3);

    /** How long a claimed ladder is someone's: past it, the next sweep claims it again (judged by the gateway's clock). */
    static final Duration CLAIM_VISIBILITY = Duration.ofMinutes(2);

    /**
     * Claims up to ARGV[3] ids due at or before ARGV[1] by making them due again at ARGV[2] (now +
     * the visibility timeout) instead of removing them: each id goes to one caller, and one whose
     * caller died is claimed again once that time has come. With a holder (ARGV[4], see
     * {@link NodeLiveness#holder()}) each claim is noted in the hash KEYS[2] as {@code {until}/{holder}},
     * and a ladder whose claim is still standing (its due score is that until) but whose holder's
     * node is dead is claimed at once; notes no longer standing (the ladder was stepped, retried or
     * closed since) are dropped here. KEYS: due set, claims; ARGV: now, until, max, holder or '', node key prefix.
     */
    private static final String CLAIM = NodeLiveness.DEAD_FUNCTION + """
            local max = tonumber(ARGV[3])
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, max)
            local taken = {}
            for _, id in ipairs(ids) do taken[id] = true end
            local claims = redis.call('HGETALL', KEYS[2])
            for i = 1, #claims, 2 do
              local id = claims[i]
              local till, holder = string.match(claims[i + 1], '^(%d+)/(.*)$')
              local score = redis.call('ZSCORE', KEYS[1], id)
              if not score or not till or tonumber(score) ~= tonumber(till) then
                redis.call('HDEL', KEYS[2], id)
              elseif not taken[id] and #ids < max and holder_dead(holder, ARGV[5]) then
                ids[#ids + 1] = id
                taken[id] = true
              end
            end
            for _, id in ipairs(ids) do
              redis.call('ZADD', KEYS[1], 'XX', ARGV[2], id)
              if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], id, ARGV[2] .. '/' .. ARGV[4])
              else redis.call('HDEL', KEYS[2], id) end
            end
            return ids""";

    /**
     * Records step ARGV[1] of a ladder, run in the transaction right after the script that queues the
     * step's messages, and only if that script set the step's marker (KEYS[1]): so the step is
     * recorded exactly when its messages are queued, even if the queueing failed inside the
     * transaction. Opens the ladder at step 0, and keeps it among its site's ladders by day (for
     * reports), with its voice call due at ARGV[12] when one is given; the last step (no ARGV[3]) closes
     * it. KEYS: marker, ladder, its log, the due set, its site day's open set, its site's ladders, the
     * due calls; ARGV: step, log entry, next due (ms or ''), id, site, date, child, kind, keep (s), open
     * set's keep (s), the date's epoch day, the call's due time (ms or '').
     */
    private static final String RECORD_STEP = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local step = tonumber(ARGV[1])
            local cur = redis.call('HGET', KEYS[2], 'step')
            if cur and tonumber(cur) >= step then return 0 end
            redis.call('HSET', KEYS[2], 'step', ARGV[1], 'site', ARGV[5], 'date', ARGV[6], 'child', ARGV[7], 'kind', ARGV[8])
            if step == 0 then
              redis.call('HSET', KEYS[2], 'closed', '0')
              redis.call('SADD', KEYS[5], ARGV[4])
              redis.call('EXPIRE', KEYS[5], ARGV[10])
              redis.call('ZADD', KEYS[6], ARGV[11], ARGV[4])
              if ARGV[12] ~= '' then redis.call('ZADD', KEYS[7], 'NX', ARGV[12], ARGV[4]) end
            end
            redis.call('RPUSH', KEYS[3], ARGV[2])
            if ARGV[3] == '' then
              redis.call('HSET', KEYS[2], 'closed', '1')
              redis.call('HDEL', KEYS[2], 'due')
              redis.call('ZREM', KEYS[4], ARGV[4])
            else
              redis.call('HSET', KEYS[2], 'due', ARGV[3])
              redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
            end
            redis.call('EXPIRE', KEYS[2], ARGV[9])
            redis.call('EXPIRE', KEYS[3], ARGV[9])
            return 1""";

    /** Closes a ladder once: marks it, logs why, and takes it off the due steps and its site's open ladders. */
    private static final String CLOSE = """
            if redis.call('HGET', KEYS[1], 'closed') == '1' then return 0 end
            redis.call('HSET', KEYS[1], 'closed', '1')
            redis.call('RPUSH', KEYS[2], ARGV[1])
            redis.call('ZREM', KEYS[3], ARGV[2])
            redis.call('SREM', KEYS[4], ARGV[2])
            return 1""";

    /**
     * Records an alert and its job, once: nothing when the alert exists. KEYS: the alert, the
     * pending jobs, and the site's latest broadcast when it is one; ARGV: id, scope, kind, text,
     * sentAt, template, values (JSON), message class, claimable at (ms), keep (s).
     */
    private static final String START = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'scope', ARGV[2], 'kind', ARGV[3], 'text', ARGV[4], 'sentAt', ARGV[5],
              'recipients', '0', 'template', ARGV[6], 'values', ARGV[7], 'class', ARGV[8])
            redis.call('EXPIRE', KEYS[1], ARGV[10])
            redis.call('ZADD', KEYS[2], ARGV[9], ARGV[1])
            if #KEYS > 2 then redis.call('SET', KEYS[3], ARGV[1], 'EX', ARGV[10]) end
            return 1""";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final UnifiedJedis redis;
    /** Where an alert's messages are queued, in the same transaction as its record. */
    private final RedisMessages outbox;
    /** Read every sweep for every site: cached briefly, dropped on a local change (other nodes see it within 10 s). */
    private final Cache<String, SiteSchedule> schedules = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofSeconds(10)).build();

    /** Signs this node's ladder claims, so another node takes them at once when this one dies; '' for none. */
    private final String holder;

    /** A store whose ladder claims are judged by their timeout only (no liveness). */
    public RedisSafetyStore(UnifiedJedis redis, RedisMessages outbox) {
        this(redis, outbox, "");
    }

    /** A store whose ladder claims are signed by this node's liveness. */
    public RedisSafetyStore(UnifiedJedis redis, RedisMessages outbox, NodeLiveness liveness) {
        this(redis, outbox, liveness.holder());
    }

    private RedisSafetyStore(UnifiedJedis redis, RedisMessages outbox, String holder) {
        this.redis = redis;
        this.outbox = outbox;
        this.holder = holder;
    }

    @Override
    public SiteSchedule schedule(String siteCode) {
        return schedules.get(siteCode, this::loadSchedule);
    }

    private SiteSchedule loadSchedule(String siteCode) {
        Map<String, String> h = redis.hgetAll(Keys.schedule(siteCode));
        if (h.isEmpty()) {
            return SiteSchedule.defaults();
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        h.getOrDefault("days", "12345").chars().forEach(c -> days.add(DayOfWeek.of(c - '0')));
        Set<LocalDate> closed = h.getOrDefault("closed", "").isEmpty() ? Set.of()
                : Arrays.stream(h.get("closed").split(",")).map(LocalDate::parse).collect(Collectors.toSet());
        return new SiteSchedule(days, date(h.get("from")), date(h.get("to")), closed,
                Integer.parseInt(h.getOrDefault("reminderMinutes", "30")),
                Integer.parseInt(h.getOrDefault("noShowMinutes", "30")));
    }

    private static LocalDate date(String s) {
        return s == null || s.isEmpty() ? null : LocalDate.parse(s);
    }

    @Override
    public void putSchedule(String siteCode, SiteSchedule s) {
        Map<String, String> h = new HashMap<>();
        h.put("days", s.days().stream().map(d -> String.valueOf(d.getValue())).sorted().collect(Collectors.joining()));
        h.put("from", s.from() == null ? "" : s.from().toString());
        h.put("to", s.to() == null ? "" : s.to().toString());
        h.put("closed", s.closed().stream().sorted().map(LocalDate::toString).collect(Collectors.joining(",")));
        h.put("reminderMinutes", String.valueOf(s.reminderMinutes()));
        h.put("noShowMinutes", String.valueOf(s.noShowMinutes()));
        redis.hset(Keys.schedule(siteCode), h);
        schedules.invalidate(siteCode);
    }

    @Override
    public void putCoordinator(Coordinator c) {
        redis.hset(Keys.coordinator(c.county()), Map.of("phone", c.phone().e164(), "name", c.name()));
    }

    @Override
    public Optional<Coordinator> coordinator(String county) {
        Map<String, String> h = redis.hgetAll(Keys.coordinator(county));
        return h.isEmpty() ? Optional.empty() : Optional.of(new Coordinator(county, new Phone(h.get("phone")), h.get("name")));
    }

    @Override
    public void recordLesson(String siteCode, LocalDate date, String topic) {
        redis.hset(Keys.lessons(siteCode), date.toString(), topic);
    }

    @Override
    public Optional<String> lesson(String siteCode, LocalDate date) {
        return Optional.ofNullable(redis.hget(Keys.lessons(siteCode), date.toString()));
    }

    @Override
    public Optional<List<OutboundMessage>> openLadder(Ladder ladder, Instant nextAt, List<OutboundMessage> messages) {
        return openLadder(ladder, nextAt, null, messages);
    }

    @Override
    public Optional<List<OutboundMessage>> openLadder(Ladder ladder, Instant nextAt, Instant callAt,
                                                      List<OutboundMessage> messages) {
        String entry = ladder.steps().isEmpty() ? Ladder.entry(Ladder.stepName(0), nextAt) : ladder.steps().get(0);
        return takeStep(ladder.id(), 0, null, entry, nextAt, callAt, messages);
    }

    @Override
    public Optional<List<OutboundMessage>> stepLadder(String id, int step, Instant now, String entry, Instant nextAt,
                                                      List<OutboundMessage> messages) {
        return takeStep(id, step, now, entry, nextAt, null, messages);
    }

    /** Why a step was not taken, as the transaction's look found it. */
    private enum Declined { NOT_OPEN, NOT_DUE, CHILD }

    /**
     * One step (0 opens) as one atomic write: watches the ladder and the child's day, looks whether
     * the step is still to be taken (the ladder at the step before, open, due, and the child's day
     * calling for it), and then queues the messages once and records the step (RECORD_STEP) in one
     * transaction. {@code now} null: an open, which needs no ladder yet.
     */
    private Optional<List<OutboundMessage>> takeStep(String id, int step, Instant now, String entry, Instant nextAt,
                                                     Instant callAt, List<OutboundMessage> messages) {
        String[] part = id.split(":", 4); // KIND:site:date:child
        LadderKind kind = LadderKind.valueOf(part[0]);
        LocalDate date = LocalDate.parse(part[2]);
        String site = part[1];
        String child = part[3];
        String key = Keys.ladder(id);
        String day = Keys.day(site, date);
        String marker = Keys.ladderStepQueued(id, step);
        Declined[] declined = new Declined[1];
        DayRecord[] record = new DayRecord[1];
        long[] due = new long[1];
        Optional<List<OutboundMessage>> queued = outbox.enqueueOnceIf(marker, List.of(key, day), tx -> {
            declined[0] = null;
            List<String> h = tx.hmget(key, "step", "closed", "due").get();
            if (step == 0 ? h.get(0) != null : h.get(0) == null || "1".equals(h.get(1))
                    || Integer.parseInt(h.get(0)) != step - 1) {
                declined[0] = Declined.NOT_OPEN; // opened before, or closed, or this step taken before
                return false;
            }
            if (now != null && h.get(2) != null && Long.parseLong(h.get(2)) > now.toEpochMilli()) {
                declined[0] = Declined.NOT_DUE; // another node took the step before: the next is not due yet
                due[0] = Long.parseLong(h.get(2));
                return false;
            }
            String value = tx.hget(day, child).get();
            record[0] = value == null ? DayRecord.expected(child) : RedisCareStore.decode(child, value);
            if (!kind.calledFor(record[0])) {
                declined[0] = Declined.CHILD;
                return false;
            }
            return true;
        }, messages, (tx, ids) -> {
            tx.eval(RECORD_STEP, List.of(marker, key, key + ":log", Keys.laddersDue(), Keys.openLadders(site, date),
                            Keys.siteLadders(site), Keys.callsDue()),
                    List.of(String.valueOf(step), entry, nextAt == null ? "" : String.valueOf(nextAt.toEpochMilli()), id,
                            site, date.toString(), child, kind.name(), String.valueOf(KEEP.toSeconds()),
                            String.valueOf(OPEN_KEEP.toSeconds()), String.valueOf(date.toEpochDay()),
                            callAt == null ? "" : String.valueOf(callAt.toEpochMilli())));
            tx.pexpire(marker, OPEN_KEEP.toMillis()); // it matters while the step can be retried
        });
        if (queued.isEmpty() && declined[0] == Declined.CHILD && step > 0) {
            String reason = kind.closedBecause(record[0]);
            if (closeLadder(new Ladder(site, date, child, kind, step - 1, List.of(), false),
                    Ladder.entry("closed:" + reason, now))) {
                LOG.info("ladder {} closed before step {}: {}", id, step, reason);
            }
        } else if (queued.isEmpty() && declined[0] == Declined.NOT_DUE) {
            redis.zadd(Keys.laddersDue(), due[0], id, ZAddParams.zAddParams().xx());
        }
        return queued;
    }

    /**
     * Adds the open ladders that were kept one set per child ({@code sh:ladders:{site}:{date}:{child}},
     * before a site day's open ladders became one set) to their site day's set: a node started
     * during a site day must let a guardian's reply close the ladders an older node opened that
     * morning. The old sets are left to expire (3 days). Each ladder's own hash says whether it is
     * still open, so running it again, or on two nodes at once, changes nothing. A key it cannot
     * read is logged and skipped: this never stops a node from starting.
     *
     * @return how many open ladders it found in old sets
     */
    public int adoptOpenLaddersKeptPerChild() {
        int[] adopted = {0};
        try {
            KeyScan.each(redis, Keys.PREFIX + "ladders:*", key -> {
                if (!key.endsWith(":open") && !key.equals(Keys.laddersDue()) && !key.equals(Keys.laddersClaims())) {
                    adopted[0] += adopt(key);
                }
            });
        } catch (RuntimeException e) {
            LOG.error("open ladders kept per child could not all be looked for: {}", e.toString());
        }
        if (adopted[0] > 0) {
            LOG.info("{} open escalation ladders found in per-child sets, added to their site day's set", adopted[0]);
        }
        return adopted[0];
    }

    private int adopt(String perChild) {
        try {
            List<Ladder> open = ladders(List.copyOf(redis.smembers(perChild))).stream().filter(l -> !l.closed()).toList();
            try (AbstractTransaction tx = redis.multi()) {
                for (Ladder l : open) {
                    tx.sadd(Keys.openLadders(l.siteCode(), l.date()), l.id());
                    tx.expire(Keys.openLadders(l.siteCode(), l.date()), OPEN_KEEP.toSeconds());
                }
                tx.exec();
            }
            return open.size();
        } catch (RuntimeException e) {
            LOG.error("open ladders in {} could not be read: {}", perChild, e.toString());
            return 0;
        }
    }

    @Override
    public Optional<Ladder> ladder(String id) {
        return ladders(List.of(id)).stream().findFirst();
    }

    /** The ladders with these ids that exist, each hash with its log, all in one round trip. */
    private List<Ladder> ladders(List<String> ids) {
        List<Response<Map<String, String>>> hashes = new ArrayList<>(ids.size());
        List<Response<List<String>>> logs = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                hashes.add(p.hgetAll(Keys.ladder(id)));
                logs.add(p.lrange(Keys.ladder(id) + ":log", 0, -1));
            }
            p.sync();
        }
        List<Ladder> found = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = hashes.get(i).get();
            if (h.containsKey("kind")) {
                found.add(new Ladder(h.get("site"), LocalDate.parse(h.get("date")), h.get("child"),
                        LadderKind.valueOf(h.get("kind")), Integer.parseInt(h.get("step")), logs.get(i).get(),
                        "1".equals(h.get("closed"))));
            }
        }
        return found;
    }

    /** Ladders read per pipeline: a county's season is a few thousand, each a hash and a short list. */
    private static final int LADDERS_PER_READ = 1000;

    /**
     * One pipeline reads every site's ladders of the days (a range of its index), then the ladders in
     * pipelines of a thousand: a county's season (150 sites) is a handful of round trips.
     */
    @Override
    public List<Ladder> laddersOpened(Collection<String> siteCodes, LocalDate from, LocalDate to) {
        List<List<String>> perSite = Pipelined.each(redis, List.copyOf(siteCodes),
                (p, code) -> p.zrangeByScore(Keys.siteLadders(code), from.toEpochDay(), to.toEpochDay()));
        List<String> ids = perSite.stream().flatMap(List::stream).toList();
        List<Ladder> found = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i += LADDERS_PER_READ) {
            found.addAll(ladders(ids.subList(i, Math.min(ids.size(), i + LADDERS_PER_READ))));
        }
        return found;
    }

    /**
     * The sites' open-ladder sets in one pipeline, then the ladders found (a read per thousand). A
     * ladder leaves its set only when closed for a reason, so one that ran out of steps is still there.
     */
    @Override
    public List<Ladder> openLaddersAt(Collection<String> siteCodes, LocalDate date) {
        List<Set<String>> perSite = Pipelined.each(redis, List.copyOf(siteCodes), (p, code) -> p.smembers(Keys.openLadders(code, date)));
        List<String> ids = perSite.stream().flatMap(Set::stream).sorted().toList();
        List<Ladder> found = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i += LADDERS_PER_READ) {
            ladders(ids.subList(i, Math.min(ids.size(), i + LADDERS_PER_READ))).stream()
                    .filter(l -> !l.closed() || l.ranOutOfSteps()).forEach(found::add);
        }
        return found;
    }

    @Override
    public List<Ladder> openLadders(String siteCode, LocalDate date, Collection<String> childIds) {
        Set<String> open = redis.smembers(Keys.openLadders(siteCode, date));
        List<String> ids = new ArrayList<>();
        for (String childId : childIds) {
            for (LadderKind kind : LadderKind.values()) {
                String id = Ladder.id(kind, siteCode, date, childId);
                if (open.contains(id)) {
                    ids.add(id);
                }
            }
        }
        return ids.isEmpty() ? List.of() : ladders(ids).stream().filter(l -> !l.closed()).toList();
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<String> claimDueLadders(Instant now, int max) {
        Object ids = redis.eval(CLAIM, List.of(Keys.laddersDue(), Keys.laddersClaims()), List.of(String.valueOf(now.toEpochMilli()),
                String.valueOf(now.plus(CLAIM_VISIBILITY).toEpochMilli()), String.valueOf(max), holder, Keys.node("")));
        return (List<String>) ids;
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<String> claimDueCalls(Instant now, int max) {
        Object ids = redis.eval(CLAIM, List.of(Keys.callsDue(), Keys.callsClaims()), List.of(String.valueOf(now.toEpochMilli()),
                String.valueOf(now.plus(CLAIM_VISIBILITY).toEpochMilli()), String.valueOf(max), holder, Keys.node("")));
        return (List<String>) ids;
    }

    @Override
    public void retryCall(String id, Instant at) {
        redis.zadd(Keys.callsDue(), at.toEpochMilli(), id, ZAddParams.zAddParams().xx());
    }

    @Override
    public void dropCall(String id) {
        redis.zrem(Keys.callsDue(), id);
        redis.hdel(Keys.callsClaims(), id);
    }

    /**
     * The voice step as one atomic write: watches the ladder and the child's day, looks whether the
     * ladder is still open at its guardians' step and the child's day calls for it, then queues the
     * calls once (their marker) with the {@code call} entry and the call taken off the due calls.
     */
    @Override
    public Optional<List<OutboundMessage>> callGuardians(String id, Instant now, String entry, List<OutboundMessage> calls) {
        String[] part = id.split(":", 4); // KIND:site:date:child
        LadderKind kind = LadderKind.valueOf(part[0]);
        LocalDate date = LocalDate.parse(part[2]);
        String child = part[3];
        String key = Keys.ladder(id);
        String day = Keys.day(part[1], date);
        String marker = Keys.ladderCallQueued(id);
        Optional<List<OutboundMessage>> queued = outbox.enqueueOnceIf(marker, List.of(key, day), tx -> {
            List<String> h = tx.hmget(key, "step", "closed").get();
            if (!"0".equals(h.get(0)) || "1".equals(h.get(1))) {
                return false; // closed, or the captain was told: the call would come too late
            }
            String value = tx.hget(day, child).get();
            return kind.calledFor(value == null ? DayRecord.expected(child) : RedisCareStore.decode(child, value));
        }, calls, (tx, ids) -> {
            tx.rpush(key + ":log", entry);
            tx.zrem(Keys.callsDue(), id);
            tx.hdel(Keys.callsClaims(), id);
            tx.pexpire(marker, OPEN_KEEP.toMillis());
        });
        if (queued.isEmpty()) {
            dropCall(id); // declined or queued before: never again
        }
        return queued;
    }

    /**
     * Appends to a ladder's log only when the ladder exists, once per ARGV[2]. KEYS: the ladder, its
     * log, its set of notes taken; ARGV: the entry, what makes it once, the set's keep (s).
     */
    private static final String NOTE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then return 0 end
            redis.call('EXPIRE', KEYS[3], ARGV[3])
            redis.call('RPUSH', KEYS[2], ARGV[1])
            return 1""";

    @Override
    public boolean noteOnLadder(String id, String once, String entry) {
        return Long.valueOf(1).equals(redis.eval(NOTE, List.of(Keys.ladder(id), Keys.ladder(id) + ":log",
                Keys.ladder(id) + ":noted"), List.of(entry, once, String.valueOf(OPEN_KEEP.toSeconds()))));
    }

    @Override
    public void retryLadder(String id, Instant at) {
        redis.zadd(Keys.laddersDue(), at.toEpochMilli(), id, ZAddParams.zAddParams().xx());
    }

    @Override
    public boolean closeLadder(Ladder ladder, String entry) {
        String id = ladder.id();
        Object closed = redis.eval(CLOSE, List.of(Keys.ladder(id), Keys.ladder(id) + ":log", Keys.laddersDue(),
                        Keys.openLadders(ladder.siteCode(), ladder.date())), List.of(entry, id));
        return Long.valueOf(1).equals(closed);
    }

    @Override
    public Optional<List<OutboundMessage>> queueAlert(Alert alert, List<Address> recipients, List<OutboundMessage> messages) {
        String channels = encodeChannels(recipients);
        return outbox.enqueueOnce(Keys.alertQueued(alert.id()), messages, (tx, queued) -> {
            tx.hset(Keys.alert(alert.id()), Map.of("scope", alert.scope(), "kind", alert.kind(), "text", alert.text(),
                    "sentAt", alert.sentAt().toString(), "recipients", String.valueOf(alert.recipients()),
                    "channels", channels));
            if (!recipients.isEmpty()) {
                tx.sadd(Keys.alertRecipients(alert.id()), recipients.stream().map(Address::value).toArray(String[]::new));
                tx.rpush(Keys.alertMessages(alert.id()), queued.stream().map(OutboundMessage::id).toArray(String[]::new));
            }
            if (!alert.isNotice()) { // a notice is not acknowledged: a guardian's next 1 stays the alert's
                for (Address to : recipients) {
                    tx.setex(Keys.pendingAlert(to.value()), ACK_WINDOW.toSeconds(), alert.id());
                }
            }
            for (String key : List.of(Keys.alert(alert.id()), Keys.alertRecipients(alert.id()), Keys.alertMessages(alert.id()),
                    Keys.alertAcked(alert.id()))) {
                tx.expire(key, KEEP.toSeconds());
            }
            if (!alert.isNotice()) { // what reports read, by day: written with the messages, so an alert is there once sent
                tx.zadd(Keys.alertsSent(), alert.sentAt().toEpochMilli(), alert.id());
            }
            tx.zrem(Keys.alertsPending(), alert.id()); // the job's done mark, in the write that queues its messages
            tx.hdel(Keys.alertsClaims(), alert.id());
        });
    }

    @Override
    public boolean startAlert(AlertJob job) {
        List<String> keys = new ArrayList<>(List.of(Keys.alert(job.id()), Keys.alertsPending()));
        if (job.scope().startsWith("site:") && Alert.NOTICE.equals(job.kind())) {
            keys.add(Keys.latestBroadcast(job.scope().substring("site:".length())));
        }
        String values;
        try {
            values = JSON.writeValueAsString(job.values());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("alert values cannot be written", e);
        }
        Object started = redis.eval(START, keys, List.of(job.id(), job.scope(), job.kind(), job.text(),
                job.createdAt().toString(), job.template().name(), values, job.messageClass().name(),
                String.valueOf(job.createdAt().toEpochMilli()), String.valueOf(KEEP.toSeconds())));
        return Long.valueOf(1).equals(started);
    }

    @Override
    public Optional<AlertJob> alertJob(String id) {
        Response<Map<String, String>> hash;
        Response<Boolean> queued;
        try (AbstractPipeline p = redis.pipelined()) {
            hash = p.hgetAll(Keys.alert(id));
            queued = p.exists(Keys.alertQueued(id));
            p.sync();
        }
        Map<String, String> h = hash.get();
        if (queued.get() || !h.containsKey("template")) {
            return Optional.empty();
        }
        try {
            Map<String, String> values = JSON.readValue(h.getOrDefault("values", "{}"),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
            return Optional.of(new AlertJob(id, h.get("scope"), h.get("kind"), h.get("text"),
                    TemplateKey.valueOf(h.get("template")), values, MessageClass.valueOf(h.get("class")),
                    Instant.parse(h.get("sentAt"))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("alert " + id + " cannot be read: " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    @Override
    public List<String> claimAlertJobs(Instant now, int max) {
        return (List<String>) redis.eval(CLAIM, List.of(Keys.alertsPending(), Keys.alertsClaims()),
                List.of(String.valueOf(now.toEpochMilli()), String.valueOf(now.plus(CLAIM_VISIBILITY).toEpochMilli()),
                        String.valueOf(max), holder, Keys.node("")));
    }

    @Override
    public void retryAlertJob(String id, Instant at) {
        redis.zadd(Keys.alertsPending(), at.toEpochMilli(), id, ZAddParams.zAddParams().xx());
    }

    @Override
    public void dropAlertJob(String id) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.zrem(Keys.alertsPending(), id);
            tx.hdel(Keys.alertsClaims(), id);
            tx.exec();
        }
    }

    @Override
    public Optional<AlertFanOut> alertFanOut(String id) {
        Response<Map<String, String>> hash;
        Response<Double> pending;
        Response<List<String>> ids;
        try (AbstractPipeline p = redis.pipelined()) {
            hash = p.hgetAll(Keys.alert(id));
            pending = p.zscore(Keys.alertsPending(), id);
            ids = p.lrange(Keys.alertMessages(id), 0, -1);
            p.sync();
        }
        Map<String, String> h = hash.get();
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AlertFanOut(alertOf(id, h), pending.get() == null,
                decodeChannels(h.getOrDefault("channels", "")), ids.get()));
    }

    /** Recipients per channel as the alert keeps them: {@code sms=29000,telegram=12}. */
    private static String encodeChannels(List<Address> recipients) {
        return org.shouhu.routes.care.SendingTime.byChannel(recipients).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static Map<String, Integer> decodeChannels(String kept) {
        Map<String, Integer> mix = new HashMap<>();
        for (String part : kept.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                mix.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
            }
        }
        return mix;
    }

    @Override
    public Optional<String> latestBroadcast(String siteCode) {
        return Optional.ofNullable(redis.get(Keys.latestBroadcast(siteCode)));
    }

    @Override
    public Optional<Alert> alert(String id) {
        Map<String, String> h = redis.hgetAll(Keys.alert(id));
        return h.isEmpty() ? Optional.empty() : Optional.of(alertOf(id, h));
    }

    private static Alert alertOf(String id, Map<String, String> h) {
        return new Alert(id, h.get("scope"), h.get("kind"), h.get("text"), Instant.parse(h.get("sentAt")),
                Integer.parseInt(h.getOrDefault("recipients", "0")));
    }

    @Override
    public Optional<String> acknowledgeAlert(Address address, Instant at) {
        String id = redis.getDel(Keys.pendingAlert(address.value()));
        if (id == null) {
            return Optional.empty();
        }
        String sentAt = redis.hget(Keys.alert(id), "sentAt"); // the window is kept by the clock, the TTL only collects
        if (sentAt != null && at.isAfter(Instant.parse(sentAt).plus(ACK_WINDOW))) {
            return Optional.empty();
        }
        try (AbstractPipeline p = redis.pipelined()) { // one round trip
            p.hset(Keys.alertAcked(id), address.value(), at.toString());
            p.expire(Keys.alertAcked(id), KEEP.toSeconds());
            p.sync();
        }
        return Optional.of(id);
    }

    @Override
    public List<Address> notAcknowledged(String alertId) {
        Set<String> acked = redis.hkeys(Keys.alertAcked(alertId));
        return redis.smembers(Keys.alertRecipients(alertId)).stream().filter(a -> !acked.contains(a)).sorted()
                .map(Address::new).toList();
    }

    @Override
    public int acknowledgedCount(String alertId) {
        return (int) redis.hlen(Keys.alertAcked(alertId));
    }

    @Override
    public List<Alert> alertsSent(Instant from, Instant to) {
        List<String> ids = redis.zrangeByScore(Keys.alertsSent(), String.valueOf(from.toEpochMilli()), "(" + to.toEpochMilli());
        List<Map<String, String>> hashes = Pipelined.each(redis, ids, (p, id) -> p.hgetAll(Keys.alert(id)));
        List<Alert> alerts = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            if (hashes.get(i).containsKey("sentAt")) { // one deleted since (retention) is left out
                alerts.add(alertOf(ids.get(i), hashes.get(i)));
            }
        }
        return alerts;
    }

    @Override
    public Map<String, AlertAcknowledgements> acknowledgements(Collection<String> alertIds) {
        List<String> ids = List.copyOf(alertIds);
        List<Response<Set<String>>> to = new ArrayList<>(ids.size());
        List<Response<Map<String, String>>> acked = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                to.add(p.smembers(Keys.alertRecipients(id)));
                acked.add(p.hgetAll(Keys.alertAcked(id)));
            }
            p.sync();
        }
        Map<String, AlertAcknowledgements> found = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            Set<Address> recipients = to.get(i).get().stream().map(Address::new).collect(Collectors.toSet());
            Map<Address, Instant> at = new HashMap<>();
            acked.get(i).get().forEach((address, when) -> at.put(new Address(address), Instant.parse(when)));
            found.put(ids.get(i), new AlertAcknowledgements(ids.get(i), recipients, at));
        }
        return found;
    }

    @Override
    public Map<String, AlertAcknowledgements.Count> acknowledgementCounts(Collection<String> alertIds) {
        List<String> ids = List.copyOf(alertIds);
        List<Response<Long>> to = new ArrayList<>(ids.size());
        List<Response<Long>> acked = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                to.add(p.scard(Keys.alertRecipients(id)));
                acked.add(p.hlen(Keys.alertAcked(id)));
            }
            p.sync();
        }
        Map<String, AlertAcknowledgements.Count> counts = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            counts.put(ids.get(i), new AlertAcknowledgements.Count(to.get(i).get().intValue(), acked.get(i).get().intValue()));
        }
        return counts;
    }

    /**
     * Indexes, once per Redis, the ladders and alerts written before their indexes were kept (by a node
     * of an earlier version), so that reports of those days find them: each ladder among its site's by
     * day, each alert but a broadcast by when it was sent. It walks the ladder and alert keys with SCAN
     * once and then marks itself done ({@code sh:reports:indexed}); indexing one twice changes nothing,
     * so two nodes starting at once do no harm. A run cut short (logged; it never stops a node from
     * starting) is run again by the next node to start.
     * Upgrade all nodes together: a node of the earlier version indexes nothing it writes afterwards.
     *
     * @return how many ladders and alerts it indexed; 0 when it had run before
     */
    public int indexKeptBeforeReports() {
        if (redis.exists(Keys.reportsIndexed())) {
            return 0;
        }
        try {
            return indexKeptBefore();
        } catch (RuntimeException e) { // never stops a node from starting: the next node to start tries again
            LOG.error("ladders and alerts kept before reports could not all be indexed: {}", e.toString());
            return 0;
        }
    }

    private int indexKeptBefore() {
        int[] indexed = {0};
        String ladderPrefix = Keys.PREFIX + "ladder:";
        KeyScan.each(redis, ladderPrefix + "*", key -> {
            if (key.substring(ladderPrefix.length()).split(":").length != 4) {
                return; // a ladder's log or step marker
            }
            List<String> h = redis.hmget(key, "site", "date");
            if (h.get(0) != null && h.get(1) != null) {
                redis.zadd(Keys.siteLadders(h.get(0)), LocalDate.parse(h.get(1)).toEpochDay(), key.substring(ladderPrefix.length()));
                indexed[0]++;
            }
        });
        String alertPrefix = Keys.PREFIX + "alert:";
        KeyScan.each(redis, alertPrefix + "*", key -> {
            String id = key.substring(alertPrefix.length());
            if (id.contains(":")) {
                return; // one of an alert's own keys
            }
            List<String> h = redis.hmget(key, "kind", "sentAt");
            if (h.get(1) != null && !Alert.NOTICE.equals(h.get(0))) {
                redis.zadd(Keys.alertsSent(), Instant.parse(h.get(1)).toEpochMilli(), id);
                indexed[0]++;
            }
        });
        redis.set(Keys.reportsIndexed(), String.valueOf(indexed[0]));
        if (indexed[0] > 0) {
            LOG.info("{} ladders and alerts kept before reports were indexed for them", indexed[0]);
        }
        return indexed[0];
    }

    @Override
    public List<String> alertMessageIds(String alertId) {
        return redis.lrange(Keys.alertMessages(alertId), 0, -1);
    }
}
