package org.shouhu.gateway.store.redis;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Walks keys with SCAN (never KEYS, which stops Redis for the whole key space): erasure, retention, adopting old ladder sets. */
final class KeyScan {

    private KeyScan() {
    }

    /** Calls {@code each} with every key matching {@code pattern}; the keys are gathered first, so {@code each} may delete. */
    static void each(UnifiedJedis redis, String pattern, Consumer<String> each) {
        Set<String> keys = new LinkedHashSet<>();
        ScanParams match = new ScanParams().match(pattern).count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        keys.forEach(each);
    }

    /** The members of a set, walked with SSCAN. */
    static Set<String> members(UnifiedJedis redis, String set) {
        Set<String> all = new LinkedHashSet<>();
        ScanParams count = new ScanParams().count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.sscan(set, cursor, count);
            all.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return all;
    }
}
