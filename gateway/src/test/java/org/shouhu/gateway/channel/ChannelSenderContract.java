package org.shouhu.gateway.channel;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.shouhu.routes.model.RenderedMessage;
import org.shouhu.routes.port.ChannelSender;
import org.shouhu.routes.port.Pacer;
import org.shouhu.routes.port.SendFailedException;
import org.shouhu.routes.port.SendReceipt;

/**
 * What the outbound route relies on from every {@link ChannelSender}, whatever its provider: a channel test
 * extends this and says how its provider's stub accepts, fails, throttles and drops a call. A receipt carries the
 * provider's id and a status that is not final; a 5xx and a dropped connection are transient failures (the outbox
 * retries them) and not throttles; a throttle is transient and a throttle; each try calls the provider once; and no
 * failure's reason shows the recipient's whole number (reasons reach logs and the message records).
 */
public abstract class ChannelSenderContract {

    /** The sender under test, pointed at the provider's stub. */
    protected abstract ChannelSender sender();

    /** The channel the sender serves ({@code sms}, {@code telegram}…). */
    protected abstract String channel();

    /** A message to a recipient this sender reaches, with the id given. */
    protected abstract RenderedMessage message(String id);

    /** The recipient's number or id as it must never appear whole in a failure's reason. */
    protected abstract String recipientDigits();

    /** The provider's stub accepts the next call. */
    protected abstract void providerAccepts();

    /** The provider's stub answers the next call with a server error (HTTP 5xx). */
    protected abstract void providerFails();

    /** The provider's stub asks us to slow down. */
    protected abstract void providerThrottles();

    /** The provider's stub drops the connection. */
    protected abstract void providerDropsTheConnection();

    /** How many calls reached the provider's stub so far. */
    protected abstract int providerCalls();

    @Test
    void servesItsChannel() {
        assertEquals(channel(), sender().channel());
    }

    @Test
    void anAcceptedMessageGivesTheProvidersIdAndAStatusThatIsNotFinal() throws Exception {
        providerAccepts();

        SendReceipt receipt = sender().send(message("m-contract-1"), new Pacer.Slot(null, Instant.EPOCH));

        assertNotNull(receipt.providerId());
        assertFalse(receipt.providerId().isBlank());
        assertFalse(receipt.status().isFinal(), "a delivery report moves it on");
        assertEquals(1, providerCalls(), "one call per send");
    }

    @Test
    void aServerErrorIsTransientAndNotAThrottle() {
        providerFails();

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m-contract-2")));

        assertAll(() -> assertTrue(failure.isTransient(), "retried"),
                () -> assertFalse(failure.isThrottled(), "an attempt"),
                () -> assertFalse(failure.getMessage().contains(recipientDigits()), "reason shows the number"),
                () -> assertEquals(1, providerCalls(), "the outbox retries, not the sender"));
    }

    @Test
    void aThrottleIsTransientAndAThrottle() {
        providerThrottles();

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m-contract-3")));

        assertTrue(failure.isTransient());
        assertTrue(failure.isThrottled(), "not counted as an attempt; the pacer slows the sender");
    }

    @Test
    void aDroppedConnectionIsTransient() {
        providerDropsTheConnection();

        SendFailedException failure = assertThrows(SendFailedException.class, () -> sender().send(message("m-contract-4")));

        assertTrue(failure.isTransient());
        assertFalse(failure.isThrottled());
    }
}
