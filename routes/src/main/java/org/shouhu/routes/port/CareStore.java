package org.shouhu.routes.port;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.shouhu.routes.care.Child;
import org.shouhu.routes.care.DayRecord;
import org.shouhu.routes.care.Guardian;
import org.shouhu.routes.care.Registration;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.care.Site;
import org.shouhu.routes.care.StaffMember;
import org.shouhu.routes.care.StaffRole;
import org.shouhu.routes.model.Address;
import org.shouhu.routes.model.OutboundMessage;

/**
 * The system of record for the care domain: sites, staff, children and their guardians,
 * registrations, each day's attendance and opt-outs. Every write is durable when the call returns.
 */
public interface CareStore {

    // --- sites and staff

    void putSite(Site site);

    Optional<Site> site(String code);

    List<Site> sites();

    /**
     * Adds or replaces a staff member. A phone is staff at one site at most.
     *
     * @throws IllegalStateException when the phone is already staff at another site
     */
    void putStaff(StaffMember staff);

    List<StaffMember> staffOf(String siteCode);

    /** The site's captains: who hears a ladder's second step and a safety message that could not be delivered. */
    default List<StaffMember> captainsOf(String siteCode) {
        return staffOf(siteCode).stream().filter(s -> s.role() == StaffRole.CAPTAIN).toList();
    }

    /** Whether the site lets volunteers (not only its captain) approve registrations and make invite codes; false unless set. */
    default boolean volunteersMayApprove(String siteCode) {
        return false;
    }

    /** Sets {@link #volunteersMayApprove} for a site. */
    default void setVolunteersMayApprove(String siteCode, boolean may) {
        throw new UnsupportedOperationException("this store keeps no site settings");
    }

    /** Whether every guardian of the site is called when a no-show or overdue alert goes unanswered (voice); false unless set. */
    default boolean voiceForAll(String siteCode) {
        return false;
    }

    /** Sets {@link #voiceForAll} for a site. */
    default void setVoiceForAll(String siteCode, boolean on) {
        throw new UnsupportedOperationException("this store keeps no site settings");
    }

    // --- children and guardians

    /** Puts a child on the site's roster with the next roster number and links its guardians. */
    Child addChild(String siteCode, String name, List<Guardian> guardians);

    /**
     * Imports whole rosters at once: every child gets the next roster number of its site. Callers
     * validate first; the writes go in one transaction, so nothing is half-imported.
     */
    List<Child> importAll(List<Site> sites, List<StaffMember> staff, List<NewChild> children);

    /** A child to import, with its guardians. */
    record NewChild(String siteCode, String name, List<Guardian> guardians) {
    }

    Optional<Child> child(String childId);

    /** The site's roster in roster-number order. */
    List<Child> roster(String siteCode);

    /**
     * When each of these children was put on its roster; a child added before this was kept (or unknown) is
     * left out. A store that keeps no such time answers nothing.
     */
    default Map<String, java.time.Instant> addedAt(Collection<String> childIds) {
        return Map.of();
    }

    List<Guardian> guardiansOf(String childId);

    /** The guardians of each of these children by child id (every id present, empty when it has none), in one look-up. */
    Map<String, List<Guardian>> guardiansOf(Collection<String> childIds);

    /** Every guardian address of a site's children, each once, in roster order. */
    default Set<Address> guardianAddresses(String siteCode) {
        List<Child> roster = roster(siteCode);
        Map<String, List<Guardian>> guardians = guardiansOf(roster.stream().map(Child::id).toList());
        Set<Address> addresses = new java.util.LinkedHashSet<>();
        roster.forEach(child -> guardians.get(child.id()).forEach(g -> addresses.add(g.address())));
        return addresses;
    }

    /** Adds a guardian to a child (or changes the relation of one already there). */
    void linkGuardian(String childId, Guardian guardian);

    /** Removes a guardian from a child (unbinding a chat account, or staff removing someone). */
    void unlinkGuardian(String childId, Address address);

    /** Who this address is: its staff post and the children it is guardian of. */
    Sender identify(Address address);

    // --- registrations

    /** Records a registration request and gives it the site's next request number. */
    Registration createRegistration(String siteCode, String childName, Address guardian, String relation);

    Optional<Registration> registration(String siteCode, int no);

    /** The site's registrations still waiting for staff, among its latest {@code recent}, oldest first; none where a store keeps no list. */
    default List<Registration> pendingRegistrations(String siteCode, int recent) {
        return List.of();
    }

    /** Marks a pending registration approved; false when it was not pending (approved meanwhile). */
    boolean approveRegistration(String siteCode, int no);

    // --- attendance

    /** Today's records of a site, by child id; children without a record are absent from the map. */
    Map<String, DayRecord> day(String siteCode, LocalDate date);

    Optional<DayRecord> dayRecord(String siteCode, LocalDate date, String childId);

    /** A site's records of each of these days ({@link #day}), every date present; a store may read them in one round trip. */
    default Map<LocalDate, Map<String, DayRecord>> days(String siteCode, List<LocalDate> dates) {
        Map<LocalDate, Map<String, DayRecord>> days = new java.util.LinkedHashMap<>();
        dates.forEach(date -> days.put(date, day(siteCode, date)));
        return days;
    }

    /**
     * The records of one day at each of these sites ({@link #day}), every site present: a county's
     * dashboard, read in one round trip where the store can.
     */
    default Map<String, Map<String, DayRecord>> dayAt(Collection<String> siteCodes, LocalDate date) {
        Map<String, Map<String, DayRecord>> days = new java.util.LinkedHashMap<>();
        siteCodes.forEach(code -> days.put(code, day(code, date)));
        return days;
    }

    default void putDayRecord(String siteCode, LocalDate date, DayRecord record) {
        putDayRecords(siteCode, date, List.of(record));
    }

    /** Writes several children's records of one site day in one step, whatever they were (imports, tests). */
    void putDayRecords(String siteCode, LocalDate date, List<DayRecord> records);

    /**
     * A change of one child's record: {@code before} as it was read (null when there was none),
     * {@code after}, and the messages the change causes (the guardians' arrival or pick-up
     * notices), queued only if the change is applied, in the same atomic step.
     */
    record DayChange(DayRecord before, DayRecord after, List<OutboundMessage> messages) {

        public DayChange {
            messages = List.copyOf(messages);
        }

        /** A change that causes no message. */
        public DayChange(DayRecord before, DayRecord after) {
            this(before, after, List.of());
        }
    }

    /**
     * Applies each change whose child's stored record is still its {@code before} (compare and
     * set, all in one atomic step) and queues the messages of each change applied, in the same
     * step; returns the ids of the children changed. A change someone made meanwhile (another
     * staff member, a guardian's answer) is never overwritten unseen, and its messages are not
     * queued.
     */
    Set<String> changeDayRecords(String siteCode, LocalDate date, List<DayChange> changes);

    // --- invites and chat reachability

    /** Stores an invite code for these children for {@code ttl}; false when the code is taken. */
    boolean createInvite(String code, List<String> childIds, java.time.Duration ttl);

    /**
     * The children an unexpired invite code names, counting one use of it; after its
     * {@code uses}-th use the code is gone (so a code that leaks cannot be used for its whole day).
     */
    List<String> useInvite(String code, int uses);

    /** Marks a chat address as unreachable (blocked, unfollowed) or reachable again. */
    void setUnreachable(Address address, boolean unreachable);

    boolean isUnreachable(Address address);

    /** The addresses among these marked unreachable, in one look-up. */
    Set<Address> unreachableAmong(Collection<Address> addresses);

    /** The phone a chat account gave for SMS fallback, if any. */
    Optional<Address> fallbackPhone(Address chat);

    void setFallbackPhone(Address chat, Address phone);

    // --- opt-out

    boolean isOptedOut(Address address);

    /** The addresses among these that opted out, in one look-up. */
    Set<Address> optedOutAmong(Collection<Address> addresses);

    void setOptedOut(Address address, boolean optedOut);
}
