package org.shouhu.gateway.report;

/**
 * A report that cannot be made as asked: the HTTP status it answers with (400: the question is
 * wrong; 404: nothing it names exists) and a reason that says what to change.
 */
public final class ReportRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ReportRefused(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
