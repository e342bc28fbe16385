package org.shouhu.gateway.store.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.ChildState;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Registration;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.Phone;
import org.shouhu.routes.port.CareStore;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.PipeliningBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * The care domain in Redis (hashes and sets, see {@link Keys}). Hot look-ups (who an address is,
 * a site's roster, a child's guardians) are cached with Caffeine; every write names the entries it
 * made stale on {@link CacheInvalidation}'s channel, so every listening node drops them at once
 * (and all of them expire after a few seconds anyway).
 */
public final class RedisCareStore implements CareStore {

    private static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private final UnifiedJedis redis;
    private final Clock clock;
    /** Queues the messages a day-record change causes, in the change's own script; null: this store queues none. */
    private final RedisMessages messages;
    /** Child ids, which never repeat even after Redis lost its last writes. */
    private final RedisIds ids;
    private final Cache<String, Sender> senders = cache(200_000);
    private final Cache<String, List<Child>> rosters = cache(5_000);
    private final Cache<String, List<Guardian>> guardians = cache(100_000);
    private final Cache<String, Site> sites = cache(5_000);
    private final Cache<String, List<Site>> allSites = cache(1);

    /** A store that cannot queue messages, whose invite codes expire by the system clock (the CSV import, tools). */
    public RedisCareStore(UnifiedJedis redis) {
        this(redis, Clock.systemUTC(), null);
    }

    /** A store that cannot queue messages, whose invite codes expire by {@code clock}. */
    public RedisCareStore(UnifiedJedis redis, Clock clock) {
        this(redis, clock, null);
    }

    /** A store whose day-record changes queue their messages on {@code messages}; invite codes by the system clock. */
    public RedisCareStore(UnifiedJedis redis, RedisMessages messages) {
        this(redis, Clock.systemUTC(), messages);
    }

    /**
     * A store whose invite codes expire by {@code clock} (the gateway's, simulated or not) and whose
     * day-record changes queue the messages they cause on {@code messages}' outbox.
     */
    public RedisCareStore(UnifiedJedis redis, Clock clock, RedisMessages messages) {
        this.redis = redis;
        this.clock = clock;
        this.messages = messages;
        this.ids = new RedisIds(redis);
    }

    /**
     * Starts dropping the entries other nodes' writes (and this one's) name on the invalidation
     * channel; close the answer to stop. Without it, this node sees others' writes within {@code CACHE_TTL}.
     */
    public CacheInvalidation listenForInvalidations() {
        return CacheInvalidation.listen(redis, this::drop);
    }

    /**
     * Drops entries locally and tells every node to drop them: {@code sender:{address}},
     * {@code roster:{site}}, {@code guardians:{child}}, {@code site:{code}} or {@code *}.
     */
    void forget(Collection<String> entries) {
        if (entries.isEmpty()) {
            return;
        }
        entries.forEach(this::drop);
        CacheInvalidation.publish(redis, String.join("\n", entries));
    }

    private void forget(String... entries) {
        forget(List.of(entries));
    }

    /** Drops named entries from this node's caches (one per line). */
    private void drop(String message) {
        for (String entry : message.split("\n")) {
            int colon = entry.indexOf(':');
            String kind = colon < 0 ? entry : entry.substring(0, colon);
            String key = colon < 0 ? "" : entry.substring(colon + 1);
            switch (kind) {
                case "sender" -> senders.invalidate(key);
                case "roster" -> rosters.invalidate(key);
                case "guardians" -> guardians.invalidate(key);
                case "site" -> {
                    sites.invalidate(key);
                    allSites.invalidateAll();
                }
                default -> {
                    senders.invalidateAll();
                    rosters.invalidateAll();
                    guardians.invalidateAll();
                    sites.invalidateAll();
                    allSites.invalidateAll();
                }
            }
        }
    }

    private static <V> Cache<String, V> cache(int size) {
        return Caffeine.newBuilder().maximumSize(size).expireAfterWrite(CACHE_TTL).build();
    }

    // --- sites and staff

    @Override
    public void putSite(Site site) {
        try (AbstractTransaction tx = redis.multi()) {
            writeSite(tx, site);
            tx.exec();
        }
        forget("site:" + site.code());
    }

    private static void writeSite(PipeliningBase tx, Site site) {
        tx.hset(Keys.site(site.code()), Map.of("name", site.name(), "county", site.county(),
                "opens", site.opens().toString(), "closes", site.closes().toString()));
        tx.sadd(Keys.sites(), site.code());
    }

    @Override
    public Optional<Site> site(String code) {
        Site cached = sites.getIfPresent(code);
        if (cached != null) {
            return Optional.of(cached);
        }
        Map<String, String> h = redis.hgetAll(Keys.site(code));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        Site site = new Site(code, h.get("name"), h.get("county"),
                parseTime(h.get("opens")), parseTime(h.get("closes")));
        sites.put(code, site);
        return Optional.of(site);
    }

    @Override
    public List<Site> sites() {
        return allSites.get("all", all -> redis.smembers(Keys.sites()).stream().sorted()
                .map(this::site).flatMap(Optional::stream).toList());
    }

    /** One phone, one site: checked and written in one step, so two coordinators at once cannot both win. */
    private static final String PUT_STAFF = """
            local post = redis.call('GET', KEYS[1])
            if post and post ~= ARGV[1] then return post end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            return false""";

    @Override
    public void putStaff(StaffMember staff) {
        String phone = staff.phone().e164();
        Object other = redis.eval(PUT_STAFF, List.of(Keys.staffPost(phone), Keys.siteStaff(staff.siteCode())),
                List.of(staff.siteCode(), phone, staff.role().name() + "|" + staff.name()));
        if (other != null) {
            throw new IllegalStateException("this phone is already staff at site " + other);
        }
        forget("sender:" + phone);
    }

    private static void writeStaff(PipeliningBase tx, StaffMember staff) {
        String phone = staff.phone().e164();
        tx.hset(Keys.siteStaff(staff.siteCode()), phone, staff.role().name() + "|" + staff.name());
        tx.set(Keys.staffPost(phone), staff.siteCode());
    }

    @Override
    public List<StaffMember> staffOf(String siteCode) {
        List<StaffMember> staff = new ArrayList<>();
        redis.hgetAll(Keys.siteStaff(siteCode)).forEach((phone, value) -> staff.add(staffMember(siteCode, phone, value)));
        staff.sort(Comparator.comparing((StaffMember s) -> s.role()).thenComparing(s -> s.phone().e164()));
        return staff;
    }

    @Override
    public boolean volunteersMayApprove(String siteCode) {
        return "1".equals(redis.hget(Keys.site(siteCode), "volunteersMayApprove"));
    }

    @Override
    public void setVolunteersMayApprove(String siteCode, boolean may) {
        redis.hset(Keys.site(siteCode), "volunteersMayApprove", may ? "1" : "0");
    }

    @Override
    public boolean voiceForAll(String siteCode) {
        return "1".equals(redis.hget(Keys.site(siteCode), "voice"));
    }

    @Override
    public void setVoiceForAll(String siteCode, boolean on) {
        redis.hset(Keys.site(siteCode), "voice", on ? "1" : "0");
    }

    private static StaffMember staffMember(String siteCode, String phone, String value) {
        int bar = value.indexOf('|');
        return new StaffMember(new Phone(phone), siteCode, value.substring(bar + 1),
                StaffRole.valueOf(value.substring(0, bar)));
    }

    // --- children and guardians

    @Override
    public Map<String, java.time.Instant> addedAt(Collection<String> childIds) {
        List<String> ids = List.copyOf(childIds);
        List<String> added = Pipelined.each(redis, ids, (p, id) -> p.hget(Keys.child(id), "added"));
        Map<String, java.time.Instant> at = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            if (added.get(i) != null) {
                at.put(ids.get(i), java.time.Instant.parse(added.get(i)));
            }
        }
        return at;
    }

    @Override
    public Child addChild(String siteCode, String name, List<Guardian> childGuardians) {
        int rosterNo = (int) redis.incr(Keys.rosterSeq(siteCode));
        Child child = new Child(ids.child(), siteCode, rosterNo, name);
        try (AbstractTransaction tx = redis.multi()) {
            writeChild(tx, child, childGuardians);
            tx.exec();
        }
        forgetChild(child, childGuardians);
        return child;
    }

    private void writeChild(PipeliningBase tx, Child child, List<Guardian> childGuardians) {
        tx.hset(Keys.child(child.id()), Map.of("site", child.siteCode(),
                "rosterNo", String.valueOf(child.rosterNo()), "name", child.name(), "added", clock.instant().toString()));
        tx.hset(Keys.roster(child.siteCode()), String.valueOf(child.rosterNo()), child.id());
        for (Guardian g : childGuardians) {
            tx.hset(Keys.guardians(child.id()), g.address().value(), guardianValue(g));
            tx.sadd(Keys.wards(g.address().value()), child.id());
        }
    }

    private void forgetChild(Child child, List<Guardian> childGuardians) {
        List<String> entries = new ArrayList<>(List.of("roster:" + child.siteCode(), "guardians:" + child.id()));
        childGuardians.forEach(g -> entries.add("sender:" + g.address().value()));
        forget(entries);
    }

    @Override
    public List<Child> importAll(List<Site> newSites, List<StaffMember> staff, List<NewChild> children) {
        Map<String, Integer> perSite = new LinkedHashMap<>();
        children.forEach(c -> perSite.merge(c.siteCode(), 1, Integer::sum));
        Map<String, Integer> nextNo = new HashMap<>();
        perSite.forEach((code, n) -> nextNo.put(code, (int) (redis.incrBy(Keys.rosterSeq(code), n) - n + 1)));
        long firstId = children.isEmpty() ? 0 : ids.children(children.size());
        List<Child> created = new ArrayList<>();
        try (AbstractTransaction tx = redis.multi()) {
            PipeliningBase w = tx;
            newSites.forEach(s -> writeSite(w, s));
            staff.forEach(s -> writeStaff(w, s));
            for (int i = 0; i < children.size(); i++) {
                NewChild c = children.get(i);
                int no = nextNo.merge(c.siteCode(), 1, Integer::sum) - 1;
                Child child = new Child("c" + (firstId + i), c.siteCode(), no, c.name());
                writeChild(w, child, c.guardians());
                created.add(child);
            }
            tx.exec();
        }
        forget(CacheInvalidation.ALL);
        return created;
    }

    @Override
    public Optional<Child> child(String childId) {
        Map<String, String> h = redis.hgetAll(Keys.child(childId));
        return h.isEmpty() ? Optional.empty() : Optional.of(child(childId, h));
    }

    private static Child child(String id, Map<String, String> h) {
        return new Child(id, h.get("site"), Integer.parseInt(h.get("rosterNo")), h.get("name"));
    }

    @Override
    public List<Child> roster(String siteCode) {
        return rosters.get(siteCode, this::loadRoster);
    }

    private List<Child> loadRoster(String siteCode) {
        Map<String, String> byNo = redis.hgetAll(Keys.roster(siteCode));
        return children(byNo.values()).stream().sorted(Comparator.comparingInt(Child::rosterNo)).toList();
    }

    private List<Child> children(java.util.Collection<String> ids) {
        List<String> idList = List.copyOf(ids);
        List<Map<String, String>> hashes = Pipelined.each(redis, idList, (p, id) -> p.hgetAll(Keys.child(id)));
        List<Child> result = new ArrayList<>();
        for (int i = 0; i < idList.size(); i++) {
            Map<String, String> h = hashes.get(i);
            if (!h.isEmpty()) {
                result.add(child(idList.get(i), h));
            }
        }
        return result;
    }

    @Override
    public List<Guardian> guardiansOf(String childId) {
        return guardians.get(childId, id -> guardianList(redis.hgetAll(Keys.guardians(id))));
    }

    @Override
    public Map<String, List<Guardian>> guardiansOf(Collection<String> childIds) {
        return guardians.getAll(childIds, missing -> {
            List<String> ids = List.copyOf(missing);
            List<Map<String, String>> hashes = Pipelined.each(redis, ids, (p, id) -> p.hgetAll(Keys.guardians(id)));
            Map<String, List<Guardian>> loaded = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                loaded.put(ids.get(i), guardianList(hashes.get(i)));
            }
            return loaded;
        });
    }

    /** What a voice-first guardian's relation is followed by in the hash: a tab, which no typed relation holds. */
    private static final String VOICE_FIRST = "\tvoice";

    /** A guardian's value in its child's hash: the relation, and {@link #VOICE_FIRST} for one who is called. */
    static String guardianValue(Guardian g) {
        return g.voiceFirst() ? g.relation() + VOICE_FIRST : g.relation();
    }

    /** A guardian from its child's hash entry (address → relation, with {@link #VOICE_FIRST} for one who is called). */
    static Guardian guardian(String address, String value) {
        boolean voice = value.endsWith(VOICE_FIRST);
        return new Guardian(new Address(address), voice ? value.substring(0, value.length() - VOICE_FIRST.length()) : value,
                voice);
    }

    /** A child's guardians from its hash (address → relation), in address order. */
    private static List<Guardian> guardianList(Map<String, String> hash) {
        List<Guardian> list = new ArrayList<>();
        hash.forEach((address, value) -> list.add(guardian(address, value)));
        list.sort(Comparator.comparing(g -> g.address().value()));
        return List.copyOf(list);
    }

    @Override
    public void linkGuardian(String childId, Guardian guardian) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(Keys.guardians(childId), guardian.address().value(), guardianValue(guardian));
            tx.sadd(Keys.wards(guardian.address().value()), childId);
            tx.exec();
        }
        forget("guardians:" + childId, "sender:" + guardian.address().value());
    }

    @Override
    public void unlinkGuardian(String childId, Address address) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.hdel(Keys.guardians(childId), address.value());
            tx.srem(Keys.wards(address.value()), childId);
            tx.exec();
        }
        forget("guardians:" + childId, "sender:" + address.value());
    }

    /**
     * Creates the code KEYS[1] for ARGV[1] (child ids) unless a code that has not expired by our clock holds it. The
     * expiry time by our clock (ARGV[4], epoch ms) is kept in KEYS[2] and decides; the TTL (ARGV[2]) only collects
     * the keys, so a simulated clock moved past the expiry ends the code even though Redis's own time has not.
     */
    private static final String CREATE_INVITE = """
            local deadline = redis.call('GET', KEYS[2])
            if redis.call('EXISTS', KEYS[1]) == 1 and (not deadline or tonumber(deadline) > tonumber(ARGV[3])) then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[2])
            redis.call('DEL', KEYS[3])
            return 1""";

    @Override
    public boolean createInvite(String code, List<String> childIds, Duration ttl) {
        long now = clock.millis();
        Object created = redis.eval(CREATE_INVITE, inviteKeys(code), List.of(String.join(",", childIds),
                String.valueOf(ttl.toMillis()), String.valueOf(now), String.valueOf(now + ttl.toMillis())));
        return Long.valueOf(1).equals(created);
    }

    /**
     * Counts a use of the code (the count lives as long as the code) and deletes it at the last use; a code past its
     * expiry by our clock (ARGV[2], epoch ms; codes made before expiry times were kept have none) is deleted unused.
     */
    private static final String USE_INVITE = """
            local ids = redis.call('GET', KEYS[1])
            if not ids then return false end
            local deadline = redis.call('GET', KEYS[3])
            if deadline and tonumber(deadline) <= tonumber(ARGV[2]) then
              redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
              return false
            end
            local n = redis.call('INCR', KEYS[2])
            if n == 1 then redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[1]), 1)) end
            if n >= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
            return ids""";

    @Override
    public List<String> useInvite(String code, int uses) {
        List<String> keys = inviteKeys(code);
        Object ids = redis.eval(USE_INVITE, List.of(keys.get(0), keys.get(2), keys.get(1)),
                List.of(String.valueOf(uses), String.valueOf(clock.millis())));
        return ids instanceof String s && !s.isEmpty() ? List.of(s.split(",")) : List.of();
    }

    /** An invite code's keys: the child ids, its expiry time by our clock, its count of uses. */
    private static List<String> inviteKeys(String code) {
        return List.of(Keys.invite(code), Keys.inviteUntil(code), Keys.inviteUses(code));
    }

    @Override
    public void setUnreachable(Address address, boolean unreachable) {
        if (unreachable) {
            redis.sadd(Keys.unreachable(), address.value());
        } else {
            redis.srem(Keys.unreachable(), address.value());
        }
    }

    @Override
    public boolean isUnreachable(Address address) {
        return redis.sismember(Keys.unreachable(), address.value());
    }

    @Override
    public Set<Address> unreachableAmong(Collection<Address> addresses) {
        return among(Keys.unreachable(), addresses);
    }

    /** The addresses that are members of a set, asked with one SMISMEMBER. */
    private Set<Address> among(String setKey, Collection<Address> addresses) {
        if (addresses.isEmpty()) {
            return Set.of();
        }
        List<Address> asked = List.copyOf(addresses);
        List<Boolean> member = redis.smismember(setKey, asked.stream().map(Address::value).toArray(String[]::new));
        Set<Address> found = new HashSet<>();
        for (int i = 0; i < asked.size(); i++) {
            if (member.get(i)) {
                found.add(asked.get(i));
            }
        }
        return found;
    }

    @Override
    public Optional<Address> fallbackPhone(Address chat) {
        return Optional.ofNullable(redis.get(Keys.fallbackPhone(chat.value()))).map(Address::new);
    }

    @Override
    public void setFallbackPhone(Address chat, Address phone) {
        redis.set(Keys.fallbackPhone(chat.value()), phone.value());
    }

    @Override
    public Sender identify(Address address) {
        return senders.get(address.value(), key -> loadSender(address));
    }

    /** Two round trips: the staff post and the wards' ids together, then the post's entry and the wards together. */
    private Sender loadSender(Address address) {
        Response<String> post;
        Response<Set<String>> wardIds;
        try (AbstractPipeline p = redis.pipelined()) {
            post = address.isSms() ? p.get(Keys.staffPost(address.value())) : null;
            wardIds = p.smembers(Keys.wards(address.value()));
            p.sync();
        }
        String site = post == null ? null : post.get();
        List<String> ids = List.copyOf(wardIds.get());
        Response<String> staffValue = null;
        List<Response<Map<String, String>>> wardHashes = new ArrayList<>(ids.size());
        try (AbstractPipeline p = redis.pipelined()) {
            if (site != null) {
                staffValue = p.hget(Keys.siteStaff(site), address.value());
            }
            ids.forEach(id -> wardHashes.add(p.hgetAll(Keys.child(id))));
            p.sync();
        }
        Optional<StaffMember> staff = staffValue == null || staffValue.get() == null ? Optional.empty()
                : Optional.of(staffMember(site, address.value(), staffValue.get()));
        List<Child> wards = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = wardHashes.get(i).get();
            if (!h.isEmpty()) {
                wards.add(child(ids.get(i), h));
            }
        }
        wards.sort(Comparator.comparing(Child::siteCode).thenComparingInt(Child::rosterNo));
        return new Sender(address, staff, List.copyOf(wards));
    }

    // --- registrations

    @Override
    public Registration createRegistration(String siteCode, String childName, Address guardian, String relation) {
        int no = (int) redis.incr(Keys.registrationSeq(siteCode));
        redis.hset(Keys.registration(siteCode, no), Map.of("child", childName, "guardian", guardian.value(),
                "relation", relation, "status", "pending"));
        redis.expire(Keys.registration(siteCode, no), Duration.ofDays(60).toSeconds());
        return new Registration(siteCode, no, childName, guardian, relation, false);
    }

    @Override
    public List<Registration> pendingRegistrations(String siteCode, int recent) {
        String seq = redis.get(Keys.registrationSeq(siteCode));
        int last = seq == null ? 0 : Integer.parseInt(seq);
        List<Registration> pending = new ArrayList<>();
        for (int no = Math.max(1, last - recent + 1); no <= last; no++) { // a page load, a few dozen at most
            registration(siteCode, no).filter(r -> !r.approved()).ifPresent(pending::add);
        }
        return pending;
    }

    @Override
    public Optional<Registration> registration(String siteCode, int no) {
        Map<String, String> h = redis.hgetAll(Keys.registration(siteCode, no));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Registration(siteCode, no, h.get("child"), new Address(h.get("guardian")),
                h.get("relation"), "approved".equals(h.get("status"))));
    }

    /** Atomic: of two staff approving at once, one wins. */
    private static final String APPROVE = "if redis.call('HGET', KEYS[1], 'status') == 'pending' then "
            + "redis.call('HSET', KEYS[1], 'status', 'approved') return 1 else return 0 end";

    @Override
    public boolean approveRegistration(String siteCode, int no) {
        Object won = redis.eval(APPROVE, List.of(Keys.registration(siteCode, no)), List.of());
        return Long.valueOf(1).equals(won);
    }

    // --- attendance

    @Override
    public Map<String, DayRecord> day(String siteCode, LocalDate date) {
        Map<String, DayRecord> records = new HashMap<>();
        redis.hgetAll(Keys.day(siteCode, date)).forEach((id, value) -> records.put(id, decode(id, value)));
        return records;
    }

    /** One pipeline for all the days: a season of a site is one round trip. */
    @Override
    public Map<LocalDate, Map<String, DayRecord>> days(String siteCode, List<LocalDate> dates) {
        List<Map<String, String>> hashes = Pipelined.each(redis, dates, (p, date) -> p.hgetAll(Keys.day(siteCode, date)));
        Map<LocalDate, Map<String, DayRecord>> days = new LinkedHashMap<>();
        for (int i = 0; i < dates.size(); i++) {
            Map<String, DayRecord> records = new HashMap<>();
            hashes.get(i).forEach((id, value) -> records.put(id, decode(id, value)));
            days.put(dates.get(i), records);
        }
        return days;
    }

    /** One pipeline for all the sites: a county's day is one round trip. */
    @Override
    public Map<String, Map<String, DayRecord>> dayAt(java.util.Collection<String> siteCodes, LocalDate date) {
        List<String> codes = List.copyOf(siteCodes);
        List<Map<String, String>> hashes = Pipelined.each(redis, codes, (p, code) -> p.hgetAll(Keys.day(code, date)));
        Map<String, Map<String, DayRecord>> days = new LinkedHashMap<>();
        for (int i = 0; i < codes.size(); i++) {
            Map<String, DayRecord> records = new HashMap<>();
            hashes.get(i).forEach((id, value) -> records.put(id, decode(id, value)));
            days.put(codes.get(i), records);
        }
        return days;
    }

    @Override
    public Optional<DayRecord> dayRecord(String siteCode, LocalDate date, String childId) {
        String value = redis.hget(Keys.day(siteCode, date), childId);
        return value == null ? Optional.empty() : Optional.of(decode(childId, value));
    }

    @Override
    public void putDayRecords(String siteCode, LocalDate date, List<DayRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Map<String, String> fields = new HashMap<>();
        records.forEach(r -> fields.put(r.childId(), encode(r)));
        redis.hset(Keys.day(siteCode, date), fields);
    }

    /** ARGV in threes: child id, its record as read ('' for none), its new record; returns the ids changed. */
    private static final String CHANGE_DAY = """
            local changed = {}
            for i = 1, #ARGV, 3 do
              local now = redis.call('HGET', KEYS[1], ARGV[i])
              if (now == false and ARGV[i + 1] == '') or now == ARGV[i + 1] then
                redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
                changed[#changed + 1] = ARGV[i]
              end
            end
            return changed""";

    /**
     * {@code CHANGE_DAY} that also queues each applied change's messages ({@link RedisMessages#QUEUE_FUNCTION})
     * before writing its record, so an error queueing leaves the record unchanged for the retry.
     * KEYS: the day, then each change's segment; ARGV per change: child id, record as read, new
     * record, number of messages, then (when there are any) its segment.
     */
    private static final String CHANGE_DAY_QUEUEING = RedisMessages.QUEUE_FUNCTION + """
            local changed = {}
            local a, k = 1, 2
            while a <= #ARGV do
              local id, before, after, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
              local now = redis.call('HGET', KEYS[1], id)
              if (now == false and before == '') or now == before then
                if n > 0 then queue_messages(k, a + 4, n) end
                redis.call('HSET', KEYS[1], id, after)
                changed[#changed + 1] = id
              end
              if n > 0 then k, a = queue_positions(k, a + 4, n) else a = a + 4 end
            end
            return changed""";

    @SuppressWarnings("unchecked")
    @Override
    public Set<String> changeDayRecords(String siteCode, LocalDate date, List<DayChange> changes) {
        if (changes.isEmpty()) {
            return Set.of();
        }
        if (changes.stream().anyMatch(c -> !c.messages().isEmpty())) {
            return changeQueueing(siteCode, date, changes);
        }
        List<String> args = new ArrayList<>(changes.size() * 3);
        for (DayChange c : changes) {
            args.add(c.after().childId());
            args.add(c.before() == null ? "" : encode(c.before()));
            args.add(encode(c.after()));
        }
        return new HashSet<>((List<String>) redis.eval(CHANGE_DAY, List.of(Keys.day(siteCode, date)), args));
    }

    @SuppressWarnings("unchecked")
    private Set<String> changeQueueing(String siteCode, LocalDate date, List<DayChange> changes) {
        if (messages == null) {
            throw new IllegalStateException("this store was made without an outbox: it cannot queue a change's messages");
        }
        List<String> keys = new ArrayList<>();
        List<String> args = new ArrayList<>();
        keys.add(Keys.day(siteCode, date));
        for (DayChange c : changes) {
            args.add(c.after().childId());
            args.add(c.before() == null ? "" : encode(c.before()));
            args.add(encode(c.after()));
            args.add(String.valueOf(c.messages().size()));
            if (!c.messages().isEmpty()) {
                RedisMessages.Segment segment = messages.segment(c.messages());
                keys.addAll(segment.keys());
                args.addAll(segment.args());
            }
        }
        return new HashSet<>((List<String>) redis.eval(CHANGE_DAY_QUEUEING, keys, args));
    }

    /** {@code STATE|arrived|left|by|escort}: compact, one hash field per child-day. */
    static String encode(DayRecord r) {
        return r.state().name() + "|" + time(r.arrivedAt()) + "|" + time(r.leftAt()) + "|"
                + (r.pickedUpBy() == null ? "" : r.pickedUpBy().replace('|', '｜')) + "|" + (r.escortRequested() ? "1" : "0");
    }

    static DayRecord decode(String childId, String value) {
        String[] f = value.split("\\|", -1);
        return new DayRecord(childId, ChildState.valueOf(f[0]), parseTime(f[1]), parseTime(f[2]),
                f[3].isEmpty() ? null : f[3], "1".equals(f[4]));
    }

    private static String time(LocalTime t) {
        return t == null ? "" : t.toString();
    }

    /**
     * A time as {@link LocalTime#toString} wrote it. The usual {@code HH:mm} and {@code HH:mm:ss} are
     * read digit by digit: every day record of a site is read several times a day, and the
     * formatter behind {@link LocalTime#parse} costs several times more.
     */
    static LocalTime parseTime(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean minutes = s.length() == 5 && s.charAt(2) == ':';
        boolean seconds = s.length() == 8 && s.charAt(2) == ':' && s.charAt(5) == ':';
        if ((minutes || seconds) && digits(s)) {
            return LocalTime.of(twoDigits(s, 0), twoDigits(s, 3), seconds ? twoDigits(s, 6) : 0);
        }
        return LocalTime.parse(s);
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (i % 3 != 2 && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                return false;
            }
        }
        return true;
    }

    private static int twoDigits(String s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }

    // --- opt-out

    @Override
    public boolean isOptedOut(Address address) {
        return redis.sismember(Keys.optOut(), address.value());
    }

    @Override
    public Set<Address> optedOutAmong(Collection<Address> addresses) {
        return among(Keys.optOut(), addresses);
    }

    @Override
    public void setOptedOut(Address address, boolean optedOut) {
        if (optedOut) {
            redis.sadd(Keys.optOut(), address.value());
        } else {
            redis.srem(Keys.optOut(), address.value());
        }
    }
}
