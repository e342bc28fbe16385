package org.shouhu.routes.route;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.shouhu.routes.care.CareService;
import org.shouhu.routes.care.Sender;
import org.shouhu.routes.command.Command;
import org.shouhu.routes.command.CommandParser;
import org.shouhu.routes.fault.Failpoints;
import org.shouhu.routes.model.InboundMessage;
import org.shouhu.routes.model.OutboundMessage;
import org.shouhu.routes.port.CareStore;
import org.shouhu.routes.port.InboundClaims;

/**
 * The two routes between the channels and the care site. Inbound: claim the message (once per
 * provider message), find out who sent it, parse it, let the care domain handle it (which stores
 * its effect, with the notices a day-record change causes), cap the replies and put them in the
 * outbox together with the mark that the message is done. Outbound: take a batch of messages
 * from the outbox, keep those to send now, render them, send each over its channel and record
 * what the providers said (a provider's refusal is one message's outcome, not the route's failure:
 * {@link Channels} hands it to {@link SendFailures}). A batch the outbound route fails on (Redis
 * away) lets go of the send leases it took, declared once with {@code onException}, and goes back
 * to the outbox worker, which delivers it again.
 */
public final class ShouhuRoutes extends RouteBuilder {

    /** Where channels hand in messages people sent. */
    public static final String INBOUND = "direct:inbound";
    /** Where outbox workers hand in a batch of messages to send (a {@code List<OutboxEntry>}). */
    public static final String OUTBOUND = "direct:outbound";

    private final InboundOnce once;
    private final CareStore care;
    private final CommandParser parser;
    private final CareService service;
    private final ReplyCap replyCap;
    private final Recipients recipients;
    private final MessageRenderer renderer;
    private final Channels channels;

    /**
     * The beans the routes call, each named for what it does (an inbound message's replies are
     * queued by {@code once}, with its done mark).
     */
    public record Beans(InboundOnce once, CareStore care, CommandParser parser, CareService service,
                        ReplyCap replyCap, Recipients recipients, MessageRenderer renderer, Channels channels) {
    }

    public ShouhuRoutes(Beans beans) {
        this.once = beans.once();
        this.care = beans.care();
        this.parser = beans.parser();
        this.service = beans.service();
        this.replyCap = beans.replyCap();
        this.recipients = beans.recipients();
        this.renderer = beans.renderer();
        this.channels = beans.channels();
    }

    @Override
    public void configure() {
        from(INBOUND).routeId("inbound")
                .onException(Exception.class).handled(false)
                    .process(e -> once.release(claim(e))) // this try failed: the provider's retry acts at once
                .end()
                .setProperty("claim").body(InboundMessage.class, once::claim)
                .filter(e -> claim(e).taken()) // else done before: nothing to do
                .process(e -> Failpoints.hit("inbound.after-claim"))
                .setProperty("sender").body(InboundMessage.class, m -> care.identify(m.from()))
                .setProperty("command").body(InboundMessage.class, m -> parser.parse(m.body()))
                .setBody().exchange(e -> service.handle(sender(e), e.getProperty("command", Command.class), claim(e).retry(),
                        claim(e).key()))
                .process(e -> Failpoints.hit("inbound.after-effect"))
                .setBody().exchange(e -> replyCap.apply(sender(e), replies(e), claim(e).fromThisHour()))
                .setBody().exchange(e -> once.finish(claim(e), replies(e)))
                .process(e -> Failpoints.hit("inbound.after-done"));

        from(OUTBOUND).routeId("outbound")
                .onException(Exception.class).handled(false) // the outbox worker delivers the batch again, entry by entry
                    .process(e -> recipients.release(leased(e)))
                .end()
                .setBody().method(recipients, "sendable")
                .setProperty("leased").body(OutboundBatch.class, OutboundBatch::leased)
                .setBody().method(renderer, "renderAll")
                .bean(channels, "send");
    }

    private static InboundClaims.Claim claim(Exchange exchange) {
        return exchange.getProperty("claim", InboundClaims.Claim.class);
    }

    /** The send leases the batch took (its redeliveries'), none before {@link Recipients#sendable} took them. */
    @SuppressWarnings("unchecked")
    private static java.util.Set<String> leased(Exchange exchange) {
        java.util.Set<String> leased = exchange.getProperty("leased", java.util.Set.class);
        return leased == null ? java.util.Set.of() : leased;
    }

    private static Sender sender(Exchange exchange) {
        return exchange.getProperty("sender", Sender.class);
    }

    @SuppressWarnings("unchecked")
    private static List<OutboundMessage> replies(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }
}
