/**
 * {@link org.shouhu.gateway.redis.PrivateRedis}: the redis-server the project starts for itself
 * (own port, own data dir, AOF on) when no REDIS_URL is given, installed with apt-get if missing.
 */
package org.shouhu.gateway.redis;
