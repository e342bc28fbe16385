/**
 * The Redis servers a node talks to. {@link org.shouhu.gateway.redis.PrivateRedis} is the
 * redis-server the project starts for itself (own port and Unix socket, own data dir, AOF on) when
 * no REDIS_URL is given, installed with apt-get if missing, closed to other local users (data dir
 * and socket the owner's alone, a fresh password on its port), one per data directory and
 * restarted by its supervisor when it dies; {@link org.shouhu.gateway.redis.RedisWatch} logs when
 * a node's Redis goes away and comes back, and drops connections to a server that went away; {@link org.shouhu.gateway.redis.RedisPools}
 * opens a node's pool of connections to it, over its Unix socket, or over TCP to any server;
 * {@link org.shouhu.gateway.redis.ScratchDirectory} is the data directory of a server that lives
 * for one run (demo, simulation, benchmark, tests) and is deleted after it;
 * {@link org.shouhu.gateway.redis.ServerInfo} reads what a server reports of itself ({@code INFO}:
 * its CPU, its AOF rewrites' CPU, its memory), for the simulation and the benchmarks.
 */
package org.shouhu.gateway.redis;
