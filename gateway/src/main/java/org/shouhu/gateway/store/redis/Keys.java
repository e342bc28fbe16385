package org.shouhu.gateway.store.redis;

import java.time.LocalDate;

/** The Redis key layout, in one place (docs/architecture.md lists it). */
final class Keys {

    static final String PREFIX = "sh:";

    private Keys() {
    }

    static String sites() { return PREFIX + "sites"; }
    static String site(String code) { return PREFIX + "site:" + code; }
    static String siteStaff(String code) { return PREFIX + "site:" + code + ":staff"; }
    static String staffPost(String phone) { return PREFIX + "staff:" + phone; }
    static String roster(String code) { return PREFIX + "site:" + code + ":roster"; }
    static String rosterSeq(String code) { return PREFIX + "site:" + code + ":seq:roster"; }
    static String registration(String code, int no) { return PREFIX + "site:" + code + ":reg:" + no; }
    static String registrationSeq(String code) { return PREFIX + "site:" + code + ":seq:reg"; }
    static String childSeq() { return PREFIX + "seq:child"; }
    static String child(String id) { return PREFIX + "child:" + id; }
    static String guardians(String childId) { return PREFIX + "child:" + childId + ":guardians"; }
    static String wards(String address) { return PREFIX + "guardian:" + address; }
    static String day(String code, LocalDate date) { return PREFIX + "day:" + code + ":" + date; }
    static String optOut() { return PREFIX + "optout"; }
    static String once(String key) { return PREFIX + "once:" + key; }
    static String rate(String key, long window) { return PREFIX + "rate:" + key + ":" + window; }
    static String messageSeq() { return PREFIX + "seq:msg"; }
    /** The blocks of a thousand message ids nodes reserved (RedisIds), by block number. */
    static String messageBlocks() { return PREFIX + "seq:msg:blocks"; }
    /** A message's record as it was kept until records went into hashes of a thousand: read, never written. */
    static String legacyMessage(String id) { return PREFIX + "msg:" + id; }

    /** Records per thousand message ids. */
    static final int MESSAGES_PER_HASH = 1000;

    /** The hash that holds the record of message {@code m<n>}, or null for an id that is not one of ours. */
    static String messages(String id) {
        if (id == null || id.length() < 2 || id.length() > 19 || id.charAt(0) != 'm') {
            return null;
        }
        for (int i = 1; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return null;
            }
        }
        return PREFIX + "msgs:" + Long.parseLong(id, 1, id.length(), 10) / MESSAGES_PER_HASH;
    }
    static String sentTo(String address) { return PREFIX + "to:" + address; }
    /** The single outbox stream of earlier versions: still read, and where a channel without lanes queues. */
    static String legacyOutbox() { return PREFIX + "outbox"; }
    /** The outbox stream of a channel's lane other than bulk ({@code sh:out:sms:urgent}). */
    static String lane(String channel, org.shouhu.routes.model.Lane lane) { return PREFIX + "out:" + channel + ":" + lane.key(); }
    /** A channel's active bulk groups (fan-outs), scored by the messages each has been given to send. */
    static String bulkGroups(String channel) { return PREFIX + "out:" + channel + ":bulk"; }
    /** The outbox stream of one fan-out ({@code group}) in a channel's bulk lane. */
    static String bulkGroup(String channel, String group) { return bulkGroups(channel) + ":" + group; }
    static String outboxDelayed() { return PREFIX + "outbox:delayed"; }
    /** Outbox entries given up after too many deliveries: stream entry id → JSON record (see {@code DeadLetters}). */
    static String deadLetters() { return PREFIX + "deadletters"; }
    /** The last error an outbox entry failed with, by stream entry id, until it is handled or dead-lettered. */
    static String outboxFailures() { return PREFIX + "outbox:failures"; }
    static String invite(String code) { return PREFIX + "invite:" + code; }
    /** When an invite code expires by the gateway's clock (epoch ms); this decides, the TTL only collects. */
    static String inviteUntil(String code) { return invite(code) + ":until"; }
    static String inviteUses(String code) { return invite(code) + ":uses"; }
    /** The code of an invite key ({@code sh:invite:{code}}), or null for its {@code :until} and {@code :uses} keys. */
    static String inviteCode(String key) {
        String code = key.substring((PREFIX + "invite:").length());
        return code.contains(":") ? null : code;
    }
    static String unreachable() { return PREFIX + "unreachable"; }
    static String fallbackPhone(String chat) { return PREFIX + "fallback:" + chat; }
    static String schedule(String code) { return PREFIX + "site:" + code + ":schedule"; }
    static String lessons(String code) { return PREFIX + "site:" + code + ":lessons"; }
    static String coordinator(String county) { return PREFIX + "coordinator:" + county; }
    static String ladder(String id) { return PREFIX + "ladder:" + id; }
    static String openLadders(String code, LocalDate date) {
        return PREFIX + "ladders:" + code + ":" + date + ":open";
    }
    static String laddersDue() { return PREFIX + "ladders:due"; }
    /** Every ladder opened at a site, scored by its day (epoch day): reports read a range of days at once. */
    static String siteLadders(String code) { return PREFIX + "site:" + code + ":ladders"; }
    /** Alerts (not broadcasts) by when they were sent (ms): reports read a range of days at once. */
    static String alertsSent() { return PREFIX + "alerts:sent"; }
    /** Set once the ladders and alerts kept before their indexes were indexed. */
    static String reportsIndexed() { return PREFIX + "reports:indexed"; }
    /** Set, with the step's messages, by the one write that takes step {@code step} of a ladder. */
    static String ladderStepQueued(String id, int step) { return PREFIX + "ladder:" + id + ":queued:" + step; }
    /** Set, with the event's messages, by the one write that queues a timed event's messages. */
    static String eventQueued(String event) { return once(event) + ":queued"; }
    /** Set, with the messages, by the one write that queues messages meant to go once ({@code Outbox.enqueueOnce}: a fallback copy). */
    static String queuedOnce(String marker) { return once(marker) + ":queued"; }
    static String alert(String id) { return PREFIX + "alert:" + id; }
    static String alertQueued(String id) { return PREFIX + "alert:" + id + ":queued"; }
    static String alertRecipients(String id) { return PREFIX + "alert:" + id + ":to"; }
    static String alertAcked(String id) { return PREFIX + "alert:" + id + ":acked"; }
    static String alertMessages(String id) { return PREFIX + "alert:" + id + ":msgs"; }
    /** A node's liveness: its incarnation, while it runs (a real-time TTL of seconds). */
    static String node(String nodeId) { return PREFIX + "node:" + nodeId; }
    static String laddersClaims() { return PREFIX + "ladders:claims"; }
    /** Ladders whose voice call is due, by due time (not under {@code ladders:}, whose old per-child sets are scanned). */
    static String callsDue() { return PREFIX + "calls:due"; }
    static String callsClaims() { return PREFIX + "calls:claims"; }
    static String ladderCallQueued(String id) { return PREFIX + "ladder:" + id + ":queued:call"; }
    /** Alert jobs not yet expanded: id scored by when it may be claimed (ms; a claim moves it on, a visibility timeout). */
    static String alertsPending() { return PREFIX + "alerts:pending"; }
    /** Alert jobs' standing claims: id → {@code {until ms}/{incarnation}/{node}}. */
    static String alertsClaims() { return PREFIX + "alerts:claims"; }
    /** The id of the site's latest staff broadcast. */
    static String latestBroadcast(String code) { return PREFIX + "site:" + code + ":broadcast"; }
    static String pendingAlert(String address) { return PREFIX + "alert-pending:" + address; }
}
