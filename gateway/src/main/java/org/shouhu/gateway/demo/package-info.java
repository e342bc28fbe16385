/**
 * The demo: {@link org.shouhu.gateway.demo.Demo} plays a care-site day against a real gateway
 * node, with {@link org.shouhu.gateway.demo.SimulatedProvider} standing in for Twilio's REST API
 * and {@link org.shouhu.gateway.demo.TwilioWebhooks} for Twilio's signed webhooks.
 */
package org.shouhu.gateway.demo;
