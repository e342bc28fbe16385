/**
 * The gateway node: {@link org.shouhu.gateway.Main} (serve, demo, import) and
 * {@link org.shouhu.gateway.Gateway}, which assembles one node from its configuration. Edges live
 * in sub-packages: {@code http} (Netty), {@code channel.*} (one per provider), {@code store.redis},
 * {@code redis} (the private server), {@code admin}, {@code importer}, {@code demo}.
 */
package org.shouhu.gateway;
