package org.shouhu.gateway.admin;

/** A request the admin API answers with a status other than 400 (404, 405, 409) and a reason in plain words. */
public final class ApiRefusal extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ApiRefusal(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
