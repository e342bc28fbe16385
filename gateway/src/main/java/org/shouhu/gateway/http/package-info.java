/**
 * The HTTP front: {@link org.shouhu.gateway.http.HttpServer}, a plain Netty pipeline that hands
 * each whole request ({@link org.shouhu.gateway.http.HttpCall}) to the
 * {@link org.shouhu.gateway.http.HttpEndpoint} of its path, off the event loop, and writes its
 * {@link org.shouhu.gateway.http.HttpReply}, within {@link org.shouhu.gateway.http.HttpLimits}
 * (bounded worker queue, connection cap, idle timeout: past them it answers 503 or closes); an
 * {@link org.shouhu.gateway.http.HttpObserver} hears of every answer (the node's metrics).
 */
package org.shouhu.gateway.http;
