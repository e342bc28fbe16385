package org.shouhu.gateway.redis;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Pools of Redis connections a node shares between its threads: over TCP, or over a Unix socket to a server on the same machine. */
public final class RedisPools {

    private RedisPools() {
    }

    /** Connections to the server at {@code url} ({@code redis://host:port}, or {@code redis://:password@host:port}). */
    public static UnifiedJedis tcp(String url, int size) {
        return new JedisPooled(config(size), URI.create(url));
    }

    /**
     * Connections through the Unix socket {@code socket}: a round trip skips the TCP stack, which on
     * loopback costs both processes more than most commands do. {@code password}: the server's, or null.
     */
    public static UnifiedJedis unix(Path socket, String password, int size) {
        DefaultJedisClientConfig client = DefaultJedisClientConfig.builder().password(password).build();
        return new JedisPooled(config(size), () -> {
            AFUNIXSocket s = null;
            try {
                s = AFUNIXSocket.newInstance();
                s.setSoTimeout(client.getSocketTimeoutMillis()); // a stalled server fails a call, as over TCP
                s.connect(AFUNIXSocketAddress.of(socket), client.getConnectionTimeoutMillis());
                return s;
            } catch (IOException e) {
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // it never connected
                    }
                }
                throw new JedisConnectionException("cannot connect to " + socket, e);
            }
        }, client);
    }

    /**
     * Closes the pool's idle connections, so that after Redis restarted no thread is handed one to
     * the server that died (each would fail once before the pool let go of it); connections in use
     * are let go of when they fail.
     */
    public static void dropIdle(UnifiedJedis redis) {
        if (redis instanceof JedisPooled pooled) {
            pooled.getPool().clear();
        }
    }

    /** Whether this platform can open Unix sockets from Java (junixsocket's native part loads). */
    public static boolean unixSupported() {
        return AFUNIXSocket.isSupported();
    }

    private static ConnectionPoolConfig config(int size) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(size);
        pool.setMaxIdle(size);
        return pool;
    }
}
