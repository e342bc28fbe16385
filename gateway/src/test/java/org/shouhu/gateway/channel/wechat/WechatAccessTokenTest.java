package org.shouhu.gateway.channel.wechat;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.shouhu.gateway.clock.SettableClock;

/** The access token: fetched once, kept until 5 minutes before it expires, replaced when WeChat rejects it. */
class WechatAccessTokenTest {

    @RegisterExtension
    static final WireMockExtension WECHAT = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static final String PATH = "/cgi-bin/stable_token";

    private final SettableClock clock = new SettableClock(Fixtures.NOW);

    @Test
    void keepsTheTokenUntilFiveMinutesBeforeItExpires() throws Exception {
        stubTokensInTurn("T1", "T2");
        WechatAccessToken tokens = tokens();

        assertEquals("T1", tokens.get());
        clock.advance(Duration.ofSeconds(7200 - 300).minusMillis(1));
        assertEquals("T1", tokens.get());
        clock.advance(Duration.ofMillis(1));
        assertEquals("T2", tokens.get());

        WECHAT.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void manyThreadsAtOnceCauseOneFetch() throws Exception {
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).willReturn(body("{\"access_token\":\"T1\",\"expires_in\":7200}")
                .withFixedDelay(300)));
        WechatAccessToken tokens = tokens();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return tokens.get();
                }));
            }
            start.countDown();
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (Future<String> result : results) {
                seen.add(result.get(10, TimeUnit.SECONDS));
            }
            assertEquals(Set.of("T1"), seen);
        } finally {
            pool.shutdownNow();
        }
        WECHAT.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void anErrcodeIsATransientFailureThatNamesIt() {
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).willReturn(body(Fixtures.text("token-error-40013.json"))));

        WechatApiException e = assertThrows(WechatApiException.class, () -> tokens().get());

        assertEquals("token-40013", e.code());
        assertTrue(e.isTransient());
        assertTrue(e.getMessage().contains("invalid appid"), e.getMessage());
        assertFalse(e.getMessage().contains(Fixtures.APP_SECRET));
    }

    @Test
    void anAnswerWithoutATokenIsATransientFailure() {
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).willReturn(body("{\"expires_in\":7200}")));

        WechatApiException e = assertThrows(WechatApiException.class, () -> tokens().get());

        assertEquals("unreadable", e.code());
        assertTrue(e.isTransient());
    }

    @Test
    void whileARefreshFailsTheTokenNotYetExpiredIsStillUsed() throws Exception {
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(body(Fixtures.text("token-ok.json"))).willSetStateTo("down"));
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).inScenario("t").whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)));
        WechatAccessToken tokens = tokens();

        assertEquals("ACCESS_TOKEN", tokens.get());
        clock.advance(Duration.ofSeconds(7200 - 60));
        assertEquals("ACCESS_TOKEN", tokens.get(), "one minute left: still good");
        clock.advance(Duration.ofSeconds(60));
        WechatApiException e = assertThrows(WechatApiException.class, tokens::get);
        assertEquals("http-503", e.code());
        assertTrue(e.isTransient());
    }

    @Test
    void invalidatingAReplacedTokenKeepsItsReplacement() throws Exception {
        stubTokensInTurn("T1", "T2");
        WechatAccessToken tokens = tokens();

        String first = tokens.get();
        tokens.invalidate(first);
        String second = tokens.get();
        tokens.invalidate(first);

        assertEquals("T1", first);
        assertEquals("T2", second);
        assertEquals("T2", tokens.get(), "a late report on T1 does not throw T2 away");
        tokens.invalidate();
        tokens.get();
        WECHAT.verify(3, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void aShortLivedTokenIsReplacedHalfwayRatherThanAtOnce() throws Exception {
        stubTokensInTurn("T1", "T2");
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(body("{\"access_token\":\"T1\",\"expires_in\":120}")).willSetStateTo("second"));
        WechatAccessToken tokens = tokens();

        assertEquals("T1", tokens.get());
        clock.advance(Duration.ofSeconds(59));
        assertEquals("T1", tokens.get());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("T2", tokens.get());
    }

    private WechatAccessToken tokens() {
        WechatSettings settings = Fixtures.apiSettings(WECHAT.baseUrl(), null);
        return new WechatAccessToken(settings, new WechatApi(settings.apiUrl()), clock);
    }

    private static void stubTokensInTurn(String first, String then) {
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(body("{\"access_token\":\"" + first + "\",\"expires_in\":7200}")).willSetStateTo("second"));
        WECHAT.stubFor(post(urlPathEqualTo(PATH)).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(body("{\"access_token\":\"" + then + "\",\"expires_in\":7200}")));
    }

    private static ResponseDefinitionBuilder body(String json) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; encoding=utf-8").withBody(json);
    }
}
