package org.shouhu.gateway.http;

/**
 * Answers requests for one path. Runs off the Netty event loop, so it may block on Redis; it must
 * answer every call (a status with a reason for bad input) and let only unexpected faults throw,
 * which the server turns into a 500 without detail.
 */
@FunctionalInterface
public interface HttpEndpoint {
    HttpReply handle(HttpCall call) throws Exception;
}
