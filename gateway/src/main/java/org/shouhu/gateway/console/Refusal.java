package org.shouhu.gateway.console;

/** A console request that cannot be answered as asked: its status and the reason shown on the page. */
public final class Refusal extends RuntimeException {

    private final int status;

    public Refusal(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** 403: the viewer may not see or do this. */
    public static Refusal forbidden() {
        return new Refusal(403, "您没有权限查看或操作这里。");
    }

    public static Refusal notFound(String what) {
        return new Refusal(404, "没有找到" + what + "。");
    }
}
