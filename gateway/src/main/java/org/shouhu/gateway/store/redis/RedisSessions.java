package org.shouhu.gateway.store.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Console sessions in Redis: {@code sh:session:{hash of the cookie}} holds who logged in, the form
 * token (CSRF) and a one-shot notice for the next page, and expires with the session; the cookie's
 * value itself is never stored, so a copy of Redis opens no session.
 */
public final class RedisSessions {

    /** How long a login lasts: a volunteer's day. */
    public static final Duration LENGTH = Duration.ofHours(12);

    /** A session: the phone that logged in, its form token and when it ends. */
    public record Session(String id, String phone, String csrf, Instant expires) {
    }

    /** A session just made: the secret for the cookie, and the session. */
    public record Opened(String secret, Session session) {
    }

    private final UnifiedJedis redis;
    private final Clock clock;

    public RedisSessions(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Opens a session for the phone. */
    public Opened open(String phone) {
        String secret = TokenHash.newSecret();
        String id = TokenHash.of(secret);
        String csrf = TokenHash.newSecret();
        Instant expires = clock.instant().plus(LENGTH);
        String key = key(id);
        redis.hset(key, Map.of("phone", phone, "csrf", csrf, "expires", expires.toString()));
        redis.pexpire(key, LENGTH.toMillis());
        return new Opened(secret, new Session(id, phone, csrf, expires));
    }

    /** The session of a cookie's secret, if it is open and not past its end. */
    public Optional<Session> find(String secret) {
        if (secret == null || secret.isEmpty() || secret.length() > 100) {
            return Optional.empty();
        }
        String id = TokenHash.of(secret);
        Map<String, String> h = redis.hgetAll(key(id));
        if (h.isEmpty() || h.get("phone") == null) {
            return Optional.empty();
        }
        Instant expires = Instant.parse(h.get("expires"));
        if (!clock.instant().isBefore(expires)) { // the settable clock of tests and the demo runs ahead of Redis's TTL
            return Optional.empty();
        }
        return Optional.of(new Session(id, h.get("phone"), h.get("csrf"), expires));
    }

    /** Ends a session (logout). */
    public void close(Session session) {
        redis.del(key(session.id()));
    }

    /** Leaves a notice for the session's next page (what a tap did). */
    public void flash(Session session, String text) {
        redis.hset(key(session.id()), "flash", text);
    }

    /** Takes the notice left for this page, if any. */
    public Optional<String> takeFlash(Session session) {
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) redis.eval("local f = redis.call('HGET', KEYS[1], 'flash') "
                + "redis.call('HDEL', KEYS[1], 'flash') return {f}", List.of(key(session.id())), List.of());
        return r.isEmpty() || !(r.get(0) instanceof String s) ? Optional.empty() : Optional.of(s);
    }

    private static String key(String id) {
        return Keys.PREFIX + "session:" + id;
    }
}
