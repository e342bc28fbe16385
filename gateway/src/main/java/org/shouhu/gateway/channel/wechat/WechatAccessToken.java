package org.shouhu.gateway.channel.wechat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Official Account's access token, from the stable-token API ({@code POST /cgi-bin/stable_token}, normal
 * mode): every gateway node that asks while a token is valid gets that same token, so nodes never invalidate each
 * other's tokens the way {@code /cgi-bin/token} does, and the AppSecret travels in the body, not the URL. Fetched when first
 * needed and again 5 minutes before it expires, by one thread at a time: threads that wait while another fetches
 * take that fetch's outcome instead of asking again. WeChat answers an {@code errcode} when it refuses (40013 wrong
 * AppID, 40125 wrong AppSecret, 40164 server IP not on the whitelist); that, like any failure to fetch, is a
 * {@link WechatApiException} that is always transient, so messages wait for the account to be fixed rather than
 * fail. While a refresh fails, a token that has not yet expired is still used.
 *
 * <p>The token and the AppSecret are never logged.
 */
public final class WechatAccessToken {

    /** Where tokens come from. */
    static final String PATH = "/cgi-bin/stable_token";
    /** How long before its expiry a token is replaced. */
    static final Duration REFRESH_EARLY = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(WechatAccessToken.class);

    private final WechatApi api;
    private final String appId;
    private final String appSecret;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();

    private volatile Held held;
    /** How many fetches finished; read before waiting for the lock to see whether one ran meanwhile. */
    private volatile long fetches;
    /** The last fetch's failure, or null when it worked; guarded by {@link #fetching}. */
    private WechatApiException lastFailure;

    /** A token valid until {@code expiresAt}, to be replaced from {@code refreshAt}. */
    private record Held(String token, Instant refreshAt, Instant expiresAt) {
    }

    public WechatAccessToken(WechatSettings settings, WechatApi api, Clock clock) {
        this.api = api;
        this.appId = settings.appId();
        this.appSecret = settings.appSecret();
        this.clock = clock;
    }

    /** A token to call the API with: the one held while it is fresh, else a new one. */
    public String get() throws WechatApiException {
        Held current = held;
        if (current != null && clock.instant().isBefore(current.refreshAt())) {
            return current.token();
        }
        long seen = fetches;
        fetching.lock();
        try {
            current = held;
            Instant now = clock.instant();
            if (current != null && now.isBefore(current.refreshAt())) {
                return current.token();
            }
            if (fetches != seen && lastFailure != null) {
                return stillValidOr(current, now, copy(lastFailure));
            }
            try {
                Held fresh = fetch(now);
                held = fresh;
                lastFailure = null;
                return fresh.token();
            } catch (WechatApiException e) {
                lastFailure = e;
                return stillValidOr(current, now, e);
            } finally {
                fetches++;
            }
        } finally {
            fetching.unlock();
        }
    }

    /** Forgets the token whatever it is, so the next {@link #get()} fetches one. */
    public void invalidate() {
        fetching.lock();
        try {
            held = null;
        } finally {
            fetching.unlock();
        }
    }

    /**
     * Forgets {@code rejected} (WeChat answered 40001, 42001 or 40014 to it) unless another thread has already
     * replaced it, so two senders that both hit an expired token cause one fetch, not two.
     */
    public void invalidate(String rejected) {
        fetching.lock();
        try {
            Held current = held;
            if (current != null && current.token().equals(rejected)) {
                held = null;
            }
        } finally {
            fetching.unlock();
        }
    }

    private Held fetch(Instant now) throws WechatApiException {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("grant_type", "client_credential");
        request.put("appid", appId);
        request.put("secret", appSecret);
        request.put("force_refresh", false); // forcing would invalidate the token other nodes hold
        JsonNode answer;
        try {
            answer = api.post(PATH, Map.of(), request);
        } catch (WechatApiException e) {
            log.warn("Could not fetch a WeChat access token: {} ({})", e.code(), e.getMessage());
            throw transientCopy(e);
        }
        int errcode = answer.path("errcode").asInt(0);
        if (errcode != 0) {
            String errmsg = answer.path("errmsg").asText("").replace(appSecret, "****");
            log.error("WeChat refused an access token: errcode {} ({})", errcode, errmsg);
            throw new WechatApiException("token-" + errcode, "WeChat refused an access token: errcode " + errcode
                    + " (" + errmsg + ")", true);
        }
        String token = answer.path("access_token").asText("");
        long expiresIn = answer.path("expires_in").asLong(0);
        if (token.isBlank() || expiresIn <= 0) {
            log.warn("WeChat's access token answer has no access_token or expires_in");
            throw new WechatApiException(WechatApi.UNREADABLE, "WeChat's access token answer has no access_token or"
                    + " expires_in", true);
        }
        Duration life = Duration.ofSeconds(expiresIn);
        Duration early = life.compareTo(REFRESH_EARLY.multipliedBy(2)) < 0 ? life.dividedBy(2) : REFRESH_EARLY;
        Instant expiresAt = now.plus(life);
        log.info("Fetched a WeChat access token, valid for {} s", expiresIn);
        return new Held(token, expiresAt.minus(early), expiresAt);
    }

    private static String stillValidOr(Held current, Instant now, WechatApiException failure)
            throws WechatApiException {
        if (current != null && now.isBefore(current.expiresAt())) {
            log.warn("Refreshing the WeChat access token failed ({}); the current one is valid a little longer",
                    failure.code());
            return current.token();
        }
        throw failure;
    }

    private static WechatApiException transientCopy(WechatApiException e) {
        return e.isTransient() ? e : new WechatApiException(e.code(), e.getMessage(), true);
    }

    private static WechatApiException copy(WechatApiException e) {
        return new WechatApiException(e.code(), e.getMessage(), e.isTransient());
    }
}
