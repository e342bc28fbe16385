package org.shouhu.gateway.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.Removals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * {@link Removals} in Redis. Keys are walked with {@code SCAN} (never {@code KEYS}); every step
 * deletes what it names, so an erasure cut short (a crash, Redis away) is finished by calling it
 * again: the child's own hash goes last, and while it exists the child can be erased again.
 * Each change names the cached entries it made stale on {@link CacheInvalidation}'s channel.
 */
public final class RedisRemovals implements Removals {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRemovals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Removes a staff member of a site (the post and the phone's site together); 0 when the phone is not staff there. */
    private static final String REMOVE_STAFF = """
            if redis.call('HDEL', KEYS[2], ARGV[2]) == 0 then return 0 end
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            return 1""";

    private final UnifiedJedis redis;
    private final RedisCareStore care;

    public RedisRemovals(UnifiedJedis redis, RedisCareStore care) {
        this.redis = redis;
        this.care = care;
    }

    @Override
    public boolean removeStaff(String siteCode, Phone phone) {
        Object removed = redis.eval(REMOVE_STAFF, List.of(Keys.staffPost(phone.e164()), Keys.siteStaff(siteCode)),
                List.of(siteCode, phone.e164()));
        care.forget(List.of("sender:" + phone.e164()));
        return Long.valueOf(1).equals(removed);
    }

    // --- erasure

    @Override
    public boolean eraseChild(String childId) {
        Map<String, String> child = redis.hgetAll(Keys.child(childId));
        if (child.isEmpty()) {
            return false;
        }
        String site = child.get("site");
        String name = child.get("name");
        Set<String> guardians = redis.hkeys(Keys.guardians(childId));
        // first the links, so that nothing more is told to or taken from them
        for (String address : guardians) {
            redis.srem(Keys.wards(address), childId);
        }
        redis.eval("if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
                List.of(Keys.roster(site)), List.of(child.getOrDefault("rosterNo", ""), childId));
        List<String> stale = new ArrayList<>(List.of("roster:" + site, "guardians:" + childId));
        guardians.forEach(a -> stale.add("sender:" + a));
        care.forget(stale);

        scan(Keys.PREFIX + "day:" + site + ":*", key -> redis.hdel(key, childId));
        eraseInvites(childId);
        Set<String> registered = eraseRegistrations(site, name, guardians);
        eraseLadders(site, childId);
        Set<String> alone = soleGuardians(guardians);
        Set<String> told = addressesAbout(site, guardians);
        told.addAll(registered);
        for (String address : told) {
            if (alone.contains(address)) {
                eraseAddress(address);
            } else {
                eraseMessagesNaming(address, name);
            }
        }
        Failpoints.hit("erase.child.before-last");
        redis.del(Keys.guardians(childId), Keys.child(childId));
        LOG.info("child {} of site {} erased, with {} guardian link(s), {} guardian address(es) no other child links",
                childId, site, guardians.size(), alone.size());
        return true;
    }

    /** Invites naming the child: the child is taken off each; a code naming no one else is deleted. */
    private void eraseInvites(String childId) {
        scan(Keys.PREFIX + "invite:*", key -> {
            String code = Keys.inviteCode(key);
            if (code == null) {
                return;
            }
            String ids = redis.get(key);
            if (ids == null) {
                return;
            }
            List<String> left = new ArrayList<>(Arrays.asList(ids.split(",")));
            if (!left.remove(childId)) {
                return;
            }
            if (left.isEmpty()) {
                redis.del(key, Keys.inviteUntil(code), Keys.inviteUses(code));
            } else {
                redis.set(key, String.join(",", left), SetParams.setParams().xx().keepTtl());
            }
        });
    }

    /**
     * Registrations at the site for the child's name, or made by one of its guardians, with the
     * markers that answer a repeated registration; returns who registered (they were told the name).
     */
    private Set<String> eraseRegistrations(String site, String name, Set<String> guardians) {
        Set<String> registered = new LinkedHashSet<>();
        scan(Keys.PREFIX + "site:" + site + ":reg:*", key -> {
            Map<String, String> reg = redis.hgetAll(key);
            if (name.equals(reg.get("child")) || guardians.contains(reg.get("guardian"))) {
                if (reg.get("guardian") != null) {
                    registered.add(reg.get("guardian"));
                }
                redis.del(key);
            }
        });
        scan(Keys.PREFIX + "once:register:*:" + site + ":" + name + ":*", redis::del);
        return registered;
    }

    /** The child's escalation ladders (ids {@code KIND:site:date:child}), their logs, step markers and places in the due and open sets and the site's index. */
    private void eraseLadders(String site, String childId) {
        List<String> ids = new ArrayList<>();
        scan(Keys.PREFIX + "ladder:*:" + site + ":*:" + childId, key -> ids.add(key.substring((Keys.PREFIX + "ladder:").length())));
        for (String id : ids) {
            String date = id.split(":")[2];
            redis.zrem(Keys.laddersDue(), id);
            redis.hdel(Keys.laddersClaims(), id);
            redis.zrem(Keys.callsDue(), id); // voice: its call, if not placed yet
            redis.hdel(Keys.callsClaims(), id);
            redis.srem(Keys.PREFIX + "ladders:" + site + ":" + date + ":open", id);
            redis.zrem(Keys.siteLadders(site), id);
            List<String> keys = new ArrayList<>(List.of(Keys.ladder(id), Keys.ladder(id) + ":log",
                    Keys.ladder(id) + ":noted", Keys.ladderCallQueued(id),
                    Keys.PREFIX + "ladders:" + site + ":" + date + ":" + childId));
            for (int step = 0; step <= org.shouhu.routes.care.Ladder.LAST_STEP; step++) {
                keys.add(Keys.ladderStepQueued(id, step)); // its name holds the child's id (it expires in 3 days anyway)
            }
            redis.del(keys.toArray(String[]::new));
        }
    }

    /** Guardians whose address no other child and no staff post links: their own data goes too. */
    private Set<String> soleGuardians(Set<String> guardians) {
        Set<String> alone = new HashSet<>();
        for (String address : guardians) {
            if (redis.scard(Keys.wards(address)) == 0 && !redis.exists(Keys.staffPost(address))) {
                alone.add(address);
            }
        }
        return alone;
    }

    /** Who may have been sent messages naming the child: its guardians, its site's staff and its county's coordinator. */
    private Set<String> addressesAbout(String site, Set<String> guardians) {
        Set<String> addresses = new LinkedHashSet<>(guardians);
        addresses.addAll(redis.hkeys(Keys.siteStaff(site)));
        String county = redis.hget(Keys.site(site), "county");
        if (county != null) {
            String coordinator = redis.hget(Keys.coordinator(county), "phone");
            if (coordinator != null) {
                addresses.add(coordinator);
            }
        }
        return addresses;
    }

    /** Everything kept about an address: its messages and their records, opt-out, reachability, fallback phone, alert acknowledgements. */
    private void eraseAddress(String address) {
        for (String id : redis.lrange(Keys.sentTo(address), 0, -1)) {
            eraseRecord(id);
        }
        redis.del(Keys.sentTo(address), Keys.wards(address), Keys.fallbackPhone(address), Keys.pendingAlert(address));
        redis.srem(Keys.optOut(), address);
        redis.srem(Keys.unreachable(), address);
        scan(Keys.PREFIX + "rate:*" + address + "*", redis::del); // reply caps, wrong codes: counters that name the address
        scan(Keys.PREFIX + "once:*" + address + "*", redis::del); // "stranger today", bind locks
        scan(Keys.PREFIX + "alert:*:to", key -> redis.srem(key, address));
        scan(Keys.PREFIX + "alert:*:acked", key -> redis.hdel(key, address));
    }

    /** The records of messages to an address that name the child, and their places on its list. */
    private void eraseMessagesNaming(String address, String name) {
        for (Map.Entry<String, Map<String, Object>> m : records(address).entrySet()) {
            if (names(m.getValue(), name)) {
                eraseRecord(m.getKey());
                redis.lrem(Keys.sentTo(address), 0, m.getKey());
            }
        }
    }

    private void eraseRecord(String id) {
        String hash = Keys.messages(id);
        if (hash != null) {
            redis.hdel(hash, id);
        }
        redis.del(Keys.legacyMessage(id));
    }

    /** Whether a message record names the child (among its values, as {@code child} or in a list of children). */
    private static boolean names(Map<String, Object> record, String name) {
        return record.get("params") instanceof Map<?, ?> params
                && params.values().stream().anyMatch(v -> v instanceof String s && s.contains(name));
    }

    /** The records of the messages on an address's list, by id, newest first (those with no record left out). */
    private Map<String, Map<String, Object>> records(String address) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        for (String id : redis.lrange(Keys.sentTo(address), 0, -1)) {
            String hash = Keys.messages(id);
            String json = hash == null ? null : redis.hget(hash, id);
            if (json != null) {
                found.put(id, read(json));
            } else {
                Map<String, String> legacy = redis.hgetAll(Keys.legacyMessage(id));
                if (!legacy.isEmpty()) {
                    Map<String, Object> record = new LinkedHashMap<>(legacy);
                    if (legacy.get("params") != null) {
                        record.put("params", read(legacy.get("params")));
                    }
                    found.put(id, record);
                }
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of("unreadable", true);
        }
    }

    // --- export

    @Override
    public Optional<Map<String, Object>> exportChild(String childId) {
        Map<String, String> child = redis.hgetAll(Keys.child(childId));
        if (child.isEmpty()) {
            return Optional.empty();
        }
        String site = child.get("site");
        String name = child.get("name");
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("id", childId);
        about.putAll(new TreeMap<>(child));
        out.put("child", about);

        Map<String, String> links = redis.hgetAll(Keys.guardians(childId));
        List<Map<String, Object>> guardians = new ArrayList<>();
        new TreeMap<>(links).forEach((address, value) -> {
            Map<String, Object> g = new LinkedHashMap<>();
            org.shouhu.routes.care.Guardian guardian = RedisCareStore.guardian(address, value);
            g.put("address", address);
            g.put("relation", guardian.relation());
            if (guardian.voiceFirst()) {
                g.put("voiceFirst", true);
            }
            g.put("otherChildren", redis.smembers(Keys.wards(address)).stream().filter(id -> !id.equals(childId)).sorted().toList());
            g.put("optedOut", redis.sismember(Keys.optOut(), address));
            g.put("unreachable", redis.sismember(Keys.unreachable(), address));
            String fallback = redis.get(Keys.fallbackPhone(address));
            if (fallback != null) {
                g.put("fallbackPhone", fallback);
            }
            guardians.add(g);
        });
        out.put("guardians", guardians);

        Map<String, String> days = new TreeMap<>();
        scan(Keys.PREFIX + "day:" + site + ":*", key -> {
            String value = redis.hget(key, childId);
            if (value != null) {
                days.put(key.substring(key.lastIndexOf(':') + 1), value);
            }
        });
        List<Map<String, Object>> dayRecords = new ArrayList<>();
        days.forEach((date, value) -> {
            var r = RedisCareStore.decode(childId, value);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("date", date);
            d.put("state", r.state().name());
            d.put("arrivedAt", r.arrivedAt() == null ? null : r.arrivedAt().toString());
            d.put("leftAt", r.leftAt() == null ? null : r.leftAt().toString());
            d.put("pickedUpBy", r.pickedUpBy());
            d.put("escortRequested", r.escortRequested());
            dayRecords.add(d);
        });
        out.put("dayRecords", dayRecords);

        List<Map<String, Object>> registrations = new ArrayList<>();
        scan(Keys.PREFIX + "site:" + site + ":reg:*", key -> {
            Map<String, String> reg = redis.hgetAll(key);
            if (name.equals(reg.get("child")) || links.containsKey(reg.get("guardian"))) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("no", key.substring(key.lastIndexOf(':') + 1));
                r.putAll(new TreeMap<>(reg));
                registrations.add(r);
            }
        });
        out.put("registrations", registrations);

        List<String> invites = new ArrayList<>();
        scan(Keys.PREFIX + "invite:*", key -> {
            String code = Keys.inviteCode(key);
            String ids = code == null ? null : redis.get(key);
            if (ids != null && Arrays.asList(ids.split(",")).contains(childId)) {
                invites.add(code);
            }
        });
        invites.sort(null);
        out.put("invites", invites);

        List<Map<String, Object>> ladders = new ArrayList<>();
        scan(Keys.PREFIX + "ladder:*:" + site + ":*:" + childId, key -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("id", key.substring((Keys.PREFIX + "ladder:").length()));
            l.putAll(new TreeMap<>(redis.hgetAll(key)));
            l.put("log", redis.lrange(key + ":log", 0, -1));
            ladders.add(l);
        });
        out.put("ladders", ladders);

        List<Map<String, Object>> messages = new ArrayList<>();
        for (String address : addressesAbout(site, links.keySet())) {
            records(address).forEach((id, record) -> {
                if (links.containsKey(address) && onlyThisChild(address, childId) || names(record, name)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", id);
                    m.putAll(record);
                    messages.add(m);
                }
            });
        }
        out.put("messages", messages);
        return Optional.of(out);
    }

    /** Whether an address is guardian of this child and of no other. */
    private boolean onlyThisChild(String address, String childId) {
        Set<String> wards = redis.smembers(Keys.wards(address));
        return wards.equals(Set.of(childId));
    }

    // --- sites

    @Override
    public boolean removeSite(String siteCode) {
        if (!redis.exists(Keys.site(siteCode)) && !redis.sismember(Keys.sites(), siteCode)) {
            return false;
        }
        for (String childId : redis.hvals(Keys.roster(siteCode))) {
            eraseChild(childId);
        }
        for (String phone : redis.hkeys(Keys.siteStaff(siteCode))) {
            removeStaff(siteCode, new Phone(phone));
        }
        scan(Keys.PREFIX + "day:" + siteCode + ":*", redis::del);
        scan(Keys.PREFIX + "ladders:" + siteCode + ":*", redis::del);
        scan(Keys.PREFIX + "site:" + siteCode + ":*", redis::del);
        scan(Keys.PREFIX + "once:*:" + siteCode + ":*", redis::del); // registration markers, event leases
        Failpoints.hit("remove.site.before-last");
        redis.srem(Keys.sites(), siteCode);
        redis.del(Keys.site(siteCode));
        care.forget(List.of(CacheInvalidation.ALL));
        LOG.info("site {} removed", siteCode);
        return true;
    }

    private void scan(String pattern, Consumer<String> each) {
        KeyScan.each(redis, pattern, each);
    }
}
