package org.shouhu.gateway.channel.wechat;

/**
 * A call to WeChat's API that gave no usable answer: a timeout, a failed connection, an HTTP error status, a body
 * that is not JSON, or (fetching an access token) an {@code errcode}. Its message never holds the AppSecret or a token.
 */
public final class WechatApiException extends Exception {

    private final String code;
    private final boolean transientFailure;

    WechatApiException(String code, String reason, boolean transientFailure) {
        super(reason);
        this.code = code;
        this.transientFailure = transientFailure;
    }

    /** What went wrong, as the outbox records it: {@code timeout}, {@code connection}, {@code http-503}, {@code token-40013}… */
    public String code() {
        return code;
    }

    /** Whether asking again later may work. */
    public boolean isTransient() {
        return transientFailure;
    }
}
