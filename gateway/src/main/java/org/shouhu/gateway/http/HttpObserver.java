package org.shouhu.gateway.http;

/** Hears of every answer the HTTP front gives, for the node's metrics; it must be quick and must not throw. */
@FunctionalInterface
public interface HttpObserver {

    /**
     * @param route  the exact path or prefix that served the request ({@code /twilio/sms}, {@code /api/}), or
     *               {@code other} for an answer given without an endpoint (unreadable, unknown path)
     * @param status the HTTP status answered
     * @param nanos  from the whole request read to its answer written
     */
    void answered(String route, int status, long nanos);

    /** Hears nothing. */
    HttpObserver NONE = (route, status, nanos) -> { };
}
