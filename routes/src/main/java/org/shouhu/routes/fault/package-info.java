/**
 * Deterministic crash points ({@link org.shouhu.routes.fault.Failpoints}) for the fault suite:
 * off in production, armed only by {@code SHOUHU_FAILPOINTS} with {@code SHOUHU_ALLOW_FAILPOINTS=true}.
 */
package org.shouhu.routes.fault;
