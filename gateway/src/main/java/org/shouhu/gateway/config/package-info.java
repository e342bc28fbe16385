/**
 * Configuration from environment variables: {@link org.shouhu.gateway.config.Config} reads and
 * checks them once at start; nothing else in the gateway reads the environment.
 */
package org.shouhu.gateway.config;
