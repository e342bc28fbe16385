package org.shouhu.routes.port;

/** Records delivery reports on the messages they speak of; a status never moves backwards. */
@FunctionalInterface
public interface DeliveryReports {
    /** Returns false when no message is known under the report's provider id. */
    boolean record(DeliveryReport report);
}
