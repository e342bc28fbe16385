package org.shouhu.gateway.redis;

import redis.clients.jedis.UnifiedJedis;

/** Figures a redis-server reports about itself ({@code INFO}), as the benchmarks read them. */
public final class ServerInfo {

    private ServerInfo() {
    }

    /** A field of an {@code INFO} section, as the server wrote it. */
    public static String field(UnifiedJedis redis, String section, String field) {
        for (String line : redis.info(section).split("\\r?\\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new IllegalStateException("INFO " + section + " has no " + field);
    }

    /** A whole-number field of an {@code INFO} section. */
    public static long number(UnifiedJedis redis, String section, String field) {
        return Long.parseLong(field(redis, section, field));
    }

    /**
     * User plus system CPU the server used, in seconds: {@code ""} for its own process,
     * {@code "_children"} for its forked children (AOF rewrites).
     */
    public static double cpuSeconds(UnifiedJedis redis, String whose) {
        return Double.parseDouble(field(redis, "cpu", "used_cpu_sys" + whose))
                + Double.parseDouble(field(redis, "cpu", "used_cpu_user" + whose));
    }
}
