package org.shouhu.gateway.http;

import java.time.Duration;

/**
 * How much the HTTP front takes on before it refuses, so that a flood or a slow client cannot
 * exhaust a node's memory, threads or sockets.
 *
 * @param workers        threads that run endpoints (they may wait on Redis)
 * @param queue          requests waiting for a worker; one more is answered 503 with {@code Retry-After}
 * @param maxConnections open connections; one more is answered 503 and closed
 * @param idleTimeout    a connection with no whole request for this long (idle, or sending it too
 *                       slowly: slowloris) is closed; a request being answered does not count
 */
public record HttpLimits(int workers, int queue, int maxConnections, Duration idleTimeout) {

    public HttpLimits {
        if (workers < 1 || queue < 1 || maxConnections < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("HTTP limits must be positive: " + workers + " workers, queue " + queue
                    + ", " + maxConnections + " connections, idle " + idleTimeout);
        }
    }

    /** The defaults of {@code .env.example}, with {@code workers} threads. */
    public static HttpLimits defaults(int workers) {
        return new HttpLimits(workers, 256, 10_000, Duration.ofSeconds(30));
    }
}
