package org.shouhu.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Settings as an operator writes them. */
class TwilioSettingsTest {

    @Test
    void defaultsToTwiliosApiAndTrimsTrailingSlashes() {
        TwilioSettings settings = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, Fixtures.OUR_NUMBER,
                " ", null, "https://gw.example.cn/");

        assertEquals("https://api.twilio.com", settings.apiUrl());
        assertEquals("https://gw.example.cn/twilio/status", settings.statusCallbackUrl());
        assertEquals(null, settings.messagingServiceSid());
    }

    @Test
    void neverShowsTheAuthToken() {
        assertFalse(Fixtures.settings().toString().contains(Fixtures.AUTH_TOKEN));
    }

    @Test
    void refusesAPublicUrlThatIsNotOne() {
        assertThrows(IllegalArgumentException.class, () -> new TwilioSettings(Fixtures.ACCOUNT_SID,
                Fixtures.AUTH_TOKEN, Fixtures.OUR_NUMBER, null, null, "gw.example.cn"));
    }

    @Test
    void aSenderNeedsANumberOrAMessagingService() {
        TwilioSettings receiveOnly = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, null, null, null,
                Fixtures.PUBLIC_URL);

        assertThrows(IllegalArgumentException.class,
                () -> new TwilioSender("sms", receiveOnly, new TwilioApiClient(receiveOnly.apiUrl())));
    }

    @Test
    void fromMayListSeveralNumbersToSpreadOver() {
        TwilioSettings three = new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN,
                " +15005550006, +15005550007 ,+15005550008", null, null, Fixtures.PUBLIC_URL);

        assertEquals(java.util.List.of("+15005550006", "+15005550007", "+15005550008"), three.numbers());
        assertEquals(java.util.List.of(), new TwilioSettings(Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, null,
                "MG9752274e9e519418a7406176694466fa", null, Fixtures.PUBLIC_URL).numbers());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> new TwilioSettings(
                Fixtures.ACCOUNT_SID, Fixtures.AUTH_TOKEN, "+15005550006,,+15005550007", null, null, Fixtures.PUBLIC_URL));
        assertTrue(empty.getMessage().contains("empty number"), empty.getMessage());
    }

    @Test
    void anAccountSidThatCannotBeAPathSegmentIsRefusedAtStart() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new TwilioSettings(
                "AC5f1bc3b8 6c81/f6b7", Fixtures.AUTH_TOKEN, Fixtures.OUR_NUMBER, null, null, Fixtures.PUBLIC_URL));
        assertTrue(refused.getMessage().contains("accountSid must be letters and digits"), refused.getMessage());
        assertEquals(Fixtures.ACCOUNT_SID, new TwilioSettings(" " + Fixtures.ACCOUNT_SID + " ", Fixtures.AUTH_TOKEN,
                Fixtures.OUR_NUMBER, null, null, Fixtures.PUBLIC_URL).accountSid());
    }
}
