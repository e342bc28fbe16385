package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.shouhu.routes.care.CareDay;
import org.shouhu.routes.care.Retention;
import org.shouhu.routes.care.SiteSchedule;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.port.SafetyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Deletes what is past {@link Retention}: each site's day records and escalation ladders by the
 * site's season (each run records the current season's end in {@code sh:site:{code}:seasons}, so
 * that next season the last one's end is known), and, by the latest season of all sites, the oldest message records on each
 * recipient's list {@code sh:to:{address}}, alerts, and then the opt-out, unreachable mark and
 * fallback phone of an address that no child, staff post or kept message links any more. Keys
 * are walked with SCAN. Every deletion is final on its own, so a run cut short is finished by the next.
 */
public final class RedisRetention {

    /** What one run deleted. */
    public record Report(int dayRecords, int ladders, int messages, int lists, int alerts, int addresses) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisRetention.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final SafetyStore schedules;
    private final CareDay day;
    private final Retention retention;
    /** The county coordinators' phones, read at the start of each run. */
    private volatile Set<String> coordinators = Set.of();

    public RedisRetention(UnifiedJedis redis, SafetyStore schedules, CareDay day, Retention retention) {
        this.redis = redis;
        this.schedules = schedules;
        this.day = day;
        this.retention = retention;
    }

    /** Runs once a day across all nodes: the first node to ask today runs it; false when another already did. */
    public boolean runTodayOnce() {
        LocalDate today = day.today();
        if (!"OK".equals(redis.set(Keys.once("retention:" + today), "1", SetParams.setParams().nx().ex(Duration.ofDays(2).toSeconds())))) {
            return false;
        }
        try {
            run();
        } catch (RuntimeException e) {
            redis.del(Keys.once("retention:" + today)); // another sweep, on any node, runs it again
            throw e;
        }
        return true;
    }

    /** Deletes everything past retention today. */
    public Report run() {
        LocalDate today = day.today();
        Set<String> phones = new LinkedHashSet<>();
        scan(Keys.PREFIX + "coordinator:*", key -> {
            String phone = redis.hget(key, "phone");
            if (phone != null) {
                phones.add(phone);
            }
        });
        coordinators = phones;
        Map<String, SiteSchedule> sites = new HashMap<>();
        redis.smembers(Keys.sites()).forEach(code -> sites.put(code, schedules.schedule(code)));
        int dayRecords = 0;
        int ladders = 0;
        Map<String, List<LocalDate>> ends = new HashMap<>();
        for (Map.Entry<String, SiteSchedule> site : sites.entrySet()) {
            List<LocalDate> pastEnds = seasonEnds(site.getKey(), site.getValue());
            ends.put(site.getKey(), pastEnds);
            dayRecords += dayRecords(site.getKey(), site.getValue(), pastEnds, today);
            ladders += ladders(site.getKey(), site.getValue(), pastEnds, today);
        }
        Failpoints.hit("retention.between-sites-and-messages");
        java.util.function.Predicate<LocalDate> past = date -> sites.isEmpty()
                ? retention.isPast(SiteSchedule.defaults(), date, today)
                : sites.entrySet().stream().allMatch(e -> retention.isPast(e.getValue(), ends.get(e.getKey()), date, today));
        int[] messages = messages(past);
        int alerts = alerts(past);
        int addresses = addresses();
        Report report = new Report(dayRecords, ladders, messages[0], messages[1], alerts, addresses);
        LOG.info("retention ({} days after each season): deleted {}", retention.daysAfterSeason(), report);
        return report;
    }

    /** Records the current season's end of a site, and returns every season end recorded for it. */
    private List<LocalDate> seasonEnds(String code, SiteSchedule schedule) {
        String key = seasons(code);
        if (schedule.to() != null) {
            redis.zadd(key, schedule.to().toEpochDay(), schedule.to().toString());
        }
        return redis.zrange(key, 0, -1).stream().map(RedisRetention::date).filter(java.util.Objects::nonNull).toList();
    }

    /** The season ends recorded for a site. */
    static String seasons(String code) {
        return Keys.PREFIX + "site:" + code + ":seasons";
    }

    private int dayRecords(String code, SiteSchedule schedule, List<LocalDate> pastEnds, LocalDate today) {
        String prefix = Keys.PREFIX + "day:" + code + ":";
        int[] deleted = {0};
        scan(prefix + "*", key -> {
            LocalDate date = date(key.substring(prefix.length()));
            if (date != null && retention.isPast(schedule, pastEnds, date, today)) {
                deleted[0] += (int) redis.del(key);
            }
        });
        return deleted[0];
    }

    /** Ladders (ids {@code KIND:site:date:child}) with their logs, places in the due set, the site day's sets and the site's index. */
    private int ladders(String code, SiteSchedule schedule, List<LocalDate> pastEnds, LocalDate today) {
        String prefix = Keys.PREFIX + "ladder:";
        int[] deleted = {0};
        scan(prefix + "*:" + code + ":*", key -> {
            if (key.endsWith(":log")) {
                return;
            }
            String id = key.substring(prefix.length());
            String[] parts = id.split(":");
            LocalDate date = parts.length == 4 ? date(parts[2]) : null;
            if (date != null && parts[1].equals(code) && retention.isPast(schedule, pastEnds, date, today)) {
                redis.zrem(Keys.laddersDue(), id);
                redis.hdel(Keys.laddersClaims(), id);
                redis.del(key, key + ":log", Keys.openLadders(code, date),
                        Keys.PREFIX + "ladders:" + code + ":" + date + ":" + parts[3]);
                deleted[0]++;
            }
        });
        for (redis.clients.jedis.resps.Tuple indexed : redis.zrangeWithScores(Keys.siteLadders(code), 0, -1)) {
            if (retention.isPast(schedule, pastEnds, LocalDate.ofEpochDay((long) indexed.getScore()), today)) {
                redis.zrem(Keys.siteLadders(code), indexed.getElement()); // also one whose ladder expired on its own
            }
        }
        return deleted[0];
    }

    /**
     * Messages and alerts belong to no one site: they are past only when past at every site (the
     * latest season decides). The oldest end of each recipient's list, while its records are past retention: those records
     * and their ids go. A list none of whose ids has a record left (records expire on their own)
     * goes when its address is linked to nothing.
     */
    private int[] messages(java.util.function.Predicate<LocalDate> past) {
        String prefix = Keys.PREFIX + "to:";
        int[] deleted = {0, 0};
        scan(prefix + "*", key -> {
            List<String> ids = redis.lrange(key, 0, -1); // newest first
            int keep = ids.size();
            boolean anyRecord = false;
            for (int i = ids.size() - 1; i >= 0; i--) {
                String json = record(ids.get(i));
                if (json == null) {
                    continue; // its record expired, or it is not sent yet: goes only with an older past one
                }
                anyRecord = true;
                LocalDate created = createdOn(json);
                if (created == null || !past.test(created)) {
                    break;
                }
                keep = i;
            }
            if (!anyRecord && !linked(key.substring(prefix.length()))) {
                keep = 0;
            }
            if (keep == ids.size()) {
                return;
            }
            for (String id : ids.subList(keep, ids.size())) {
                String hash = Keys.messages(id);
                if (hash != null && redis.hdel(hash, id) > 0) {
                    deleted[0]++;
                }
            }
            if (keep == 0) {
                redis.del(key);
                deleted[1]++;
            } else {
                redis.ltrim(key, 0, keep - 1L);
            }
        });
        return deleted;
    }

    /** Alerts, with their recipients, acknowledgements and message ids, by the day they were sent. */
    private int alerts(java.util.function.Predicate<LocalDate> past) {
        String prefix = Keys.PREFIX + "alert:";
        int[] deleted = {0};
        scan(prefix + "*", key -> {
            String id = key.substring(prefix.length());
            if (id.contains(":")) {
                return; // one of an alert's own keys (:to, :acked, :msgs, :queued): deleted with the alert
            }
            String sentAt = redis.hget(key, "sentAt");
            LocalDate date = sentAt == null ? null : instantDate(sentAt);
            if (date != null && past.test(date)) {
                redis.del(key, Keys.alertRecipients(id), Keys.alertAcked(id), Keys.alertMessages(id), Keys.alertQueued(id));
                redis.zrem(Keys.alertsSent(), id);
                deleted[0]++;
            }
        });
        for (redis.clients.jedis.resps.Tuple indexed : redis.zrangeWithScores(Keys.alertsSent(), 0, -1)) {
            if (past.test(java.time.Instant.ofEpochMilli((long) indexed.getScore()).atZone(day.zone()).toLocalDate())) {
                redis.zrem(Keys.alertsSent(), indexed.getElement()); // also one whose alert expired on its own
            }
        }
        return deleted[0];
    }

    /** Opt-outs, unreachable marks and fallback phones of addresses linked to nothing and sent nothing kept. */
    private int addresses() {
        Set<String> gone = new LinkedHashSet<>();
        for (String set : List.of(Keys.optOut(), Keys.unreachable())) {
            for (String address : KeyScan.members(redis, set)) {
                if (!linked(address) && !redis.exists(Keys.sentTo(address))) {
                    redis.srem(set, address);
                    gone.add(address);
                }
            }
        }
        String prefix = Keys.PREFIX + "fallback:";
        scan(prefix + "*", key -> {
            String address = key.substring(prefix.length());
            if (!linked(address) && !redis.exists(Keys.sentTo(address))) {
                redis.del(key);
                gone.add(address);
            }
        });
        return gone.size();
    }

    /** Whether an address is a guardian of some child, staff, or a county coordinator. */
    private boolean linked(String address) {
        return redis.scard(Keys.wards(address)) > 0 || redis.exists(Keys.staffPost(address))
                || coordinators.contains(address);
    }

    private String record(String id) {
        String hash = Keys.messages(id);
        return hash == null ? null : redis.hget(hash, id);
    }

    private LocalDate createdOn(String json) {
        try {
            Object created = JSON.readValue(json, Map.class).get("createdAt");
            return created instanceof String s ? instantDate(s) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private LocalDate instantDate(String instant) {
        try {
            return Instant.parse(instant).atZone(day.zone()).toLocalDate();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void scan(String pattern, Consumer<String> each) {
        KeyScan.each(redis, pattern, each);
    }
}
