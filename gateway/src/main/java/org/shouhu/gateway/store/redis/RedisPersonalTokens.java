package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Personal API tokens in Redis: {@code sh:token:{hash}} names the phone that made it (the token reaches what that
 * person may reach, read afresh at each call) and {@code sh:tokens:{phone}} lists a person's tokens by hash, with
 * their labels; the secret is shown once and never stored.
 */
public final class RedisPersonalTokens {

    /** A token as its owner sees it in the list: its id (a prefix of the hash), label and when it was made. */
    public record Listed(String id, String label, String made) {
    }

    /** What {@link #makeOnce} did: made a token (its secret, to show once), saw the form before, or found the person at the cap. */
    public record Made(Outcome outcome, String secret) {
    }

    /** How a {@link #makeOnce} ended. */
    public enum Outcome { MADE, REPEATED, FULL }

    /** How long a form's request id is remembered, so that sending the form again makes nothing. */
    static final java.time.Duration REQUEST_REMEMBERED = java.time.Duration.ofDays(1);

    /**
     * KEYS: the token, the person's list, the request; ARGV: phone, hash, the list's value, cap,
     * seconds the request is remembered. The request is checked, the cap counted and the token
     * written in one step, so a form sent twice at once still makes one token and never an eleventh.
     */
    private static final String MAKE_ONCE = """
            if redis.call('EXISTS', KEYS[3]) == 1 then return 'REPEATED' end
            if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then return 'FULL' end
            redis.call('HSET', KEYS[1], 'phone', ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
            redis.call('SET', KEYS[3], '1', 'EX', ARGV[5])
            return 'MADE'""";

    private final UnifiedJedis redis;
    private final Clock clock;

    public RedisPersonalTokens(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Makes a token for the phone and returns its secret, to show once. */
    public String make(String phone, String label) {
        String secret = "shp_" + TokenHash.newSecret();
        String hash = TokenHash.of(secret);
        redis.hset(Keys.PREFIX + "token:" + hash, Map.of("phone", phone));
        redis.hset(list(phone), hash, clock.instant() + " " + label);
        return secret;
    }

    /**
     * Makes a token for the phone once per {@code requestId} (a form's one-time id), unless the phone
     * has {@code cap} tokens already; the secret is returned only when made, to show once.
     */
    public Made makeOnce(String phone, String label, String requestId, int cap) {
        String secret = "shp_" + TokenHash.newSecret();
        String hash = TokenHash.of(secret);
        Object done = redis.eval(MAKE_ONCE,
                List.of(Keys.PREFIX + "token:" + hash, list(phone), Keys.PREFIX + "token-request:" + TokenHash.of(phone + " " + requestId)),
                List.of(phone, hash, clock.instant() + " " + label, String.valueOf(cap), String.valueOf(REQUEST_REMEMBERED.toSeconds())));
        Outcome outcome = Outcome.valueOf(String.valueOf(done));
        return new Made(outcome, outcome == Outcome.MADE ? secret : null);
    }

    /** The phone a token's secret belongs to. */
    public Optional<String> owner(String secret) {
        if (secret == null || !secret.startsWith("shp_") || secret.length() > 100) {
            return Optional.empty();
        }
        return Optional.ofNullable(redis.hget(Keys.PREFIX + "token:" + TokenHash.of(secret), "phone"));
    }

    public List<Listed> of(String phone) {
        List<Listed> out = new ArrayList<>();
        redis.hgetAll(list(phone)).forEach((hash, value) -> {
            int space = value.indexOf(' ');
            out.add(new Listed(hash.substring(0, 12), value.substring(space + 1), value.substring(0, space)));
        });
        out.sort(java.util.Comparator.comparing(Listed::made));
        return out;
    }

    /** Revokes the person's token whose id is given; false when they have none such. */
    public boolean revoke(String phone, String id) {
        for (String hash : redis.hkeys(list(phone))) {
            if (hash.startsWith(id) && id.length() >= 12) {
                redis.del(Keys.PREFIX + "token:" + hash);
                redis.hdel(list(phone), hash);
                return true;
            }
        }
        return false;
    }

    private static String list(String phone) {
        return Keys.PREFIX + "tokens:" + phone;
    }
}
