package org.shouhu.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shouhu.gateway.testing.GatewayUnderTest.CAPTAIN;
import static org.shouhu.gateway.testing.GatewayUnderTest.VOLUNTEER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_FATHER;
import static org.shouhu.gateway.testing.GatewayUnderTest.WANG_GRANDMA;
import static org.shouhu.gateway.testing.GatewayUnderTest.ZHANG_GRANDPA;
import static org.shouhu.gateway.testing.GatewayUnderTest.to;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.testing.GatewayUnderTest;
import org.shouhu.routes.model.Address;

/**
 * Access that can be revoked, against real gateway nodes on one Redis: a removed staff member is
 * refused on another node within a second, a removed child's guardians hear nothing more, the
 * notice that a chat account was bound goes out at 23:00, and guesses sent at once cannot pass
 * the bind lock.
 */
class AccessTest {

    static final String SIG = "【守护托管】";
    static final String BOT_TOKEN = "123456789:AAtestTOKEN_abc-def";
    static final String TG_SECRET = "tg-secret-1";
    static final Map<String, String> ENV = Map.of(
            "TELEGRAM_BOT_TOKEN", BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET", TG_SECRET,
            "TELEGRAM_API_URL", GatewayUnderTest.STUB, "SHOUHU_HTTP_WORKERS", "24");

    final ObjectMapper json = new ObjectMapper();
    final AtomicInteger updates = new AtomicInteger();
    final List<GatewayUnderTest> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(GatewayUnderTest::close);
    }

    private GatewayUnderTest node() throws Exception {
        GatewayUnderTest gw = new GatewayUnderTest(ENV);
        gw.twilioApi.stubFor(post(urlPathMatching("/bot.*/sendMessage")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"result\":{\"message_id\":42}}")));
        nodes.add(gw);
        return gw;
    }

    @Test
    void aRemovedStaffMemberIsRefusedOnAnotherNodeWithinOneSecond() throws Exception {
        GatewayUnderTest a = node();
        GatewayUnderTest b = node(); // both on the test Redis; a node's start empties it, so the site comes after
        a.withSite();
        a.at("08:05");
        b.at("08:05");
        b.text(VOLUNTEER, "到 1");
        assertEquals(1, to(b.sent(), WANG_GRANDMA).size(), "node b knows the volunteer (and caches it)");
        assertTrue(b.gateway.care().identify(new Address(VOLUNTEER)).isStaff());

        long removedAt = System.nanoTime();
        assertEquals(200, a.admin("DELETE", "/api/sites/ZT0427/staff/%2B8613800000002", null).statusCode());
        while (b.gateway.care().identify(new Address(VOLUNTEER)).isStaff()) {
            assertTrue(System.nanoTime() - removedAt < 1_000_000_000L, "node b still obeys the removed volunteer after 1 s");
            Thread.sleep(10);
        }
        b.text(VOLUNTEER, "到 3");
        List<GatewayUnderTest.Sms> sent = b.sent();
        assertEquals(List.of(), to(sent, ZHANG_GRANDPA), "the removed volunteer's check-in is not acted on");
        assertFalse(to(sent, VOLUNTEER).stream().anyMatch(s -> s.contains("已签到")), "and not confirmed");
        assertEquals(404, a.admin("DELETE", "/api/sites/ZT0427/staff/%2B8613800000002", null).statusCode());

        b.text(CAPTAIN, "到 2");
        assertEquals(1, b.sent().stream().filter(s -> s.to().equals(CAPTAIN)).count(), "the captain is still obeyed");
    }

    @Test
    void aRemovedChildsGuardiansHearNothingMoreOnAnyNode() throws Exception {
        GatewayUnderTest a = node();
        GatewayUnderTest b = node();
        a.withSite();
        b.at("08:05");
        assertEquals(3, b.gateway.care().roster("ZT0427").size()); // cached on node b
        assertEquals(200, a.admin("DELETE", "/api/sites/ZT0427/children/" + a.childId(1), null).statusCode());
        long erasedAt = System.nanoTime();
        while (b.gateway.care().roster("ZT0427").size() != 2) {
            assertTrue(System.nanoTime() - erasedAt < 1_000_000_000L, "node b still has the erased child after 1 s");
            Thread.sleep(10);
        }
        b.text(CAPTAIN, "到 1");
        List<GatewayUnderTest.Sms> sent = b.sent();
        assertEquals(List.of(), to(sent, WANG_GRANDMA));
        assertEquals(List.of(), to(sent, WANG_FATHER));
        b.text(WANG_GRANDMA, "4");
        assertTrue(to(b.sent(), WANG_GRANDMA).get(0).startsWith(SIG + "你还没有登记的孩子"), "nor can they ask about the child");
    }

    @Test
    void theBindNoticeToAGrandparentGoesOutAt2300() throws Exception {
        GatewayUnderTest gw = node().withSite();
        gw.at("23:00");
        String code = inviteCode(gw, WANG_GRANDMA);
        telegram(gw, "777001", "绑定 " + code);
        assertEquals(List.of(SIG + "王小明的通知已绑定到一个Telegram账号。不是家人绑定的，请告诉托管点老师解除。"),
                to(gw.sent(), WANG_FATHER), "not held until 08:00: a stranger may be following the child");
    }

    @Test
    void twentyWrongGuessesAtOnceFromOneAccountGetNoMoreThanFiveTries() throws Exception {
        GatewayUnderTest gw = node().withSite();
        gw.sent();
        int guesses = 20;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < guesses; i++) {
            String code = String.format("%08d", 10_000_000 + i);
            answers.add(pool.submit(() -> {
                start.await();
                return postTelegram(gw, "777002", "绑定 " + code);
            }));
        }
        start.countDown();
        for (Future<Integer> answer : answers) {
            assertEquals(200, answer.get());
        }
        pool.shutdown();
        gw.gateway.drainOutbox();
        long counted = gw.redis().keys("sh:rate:bind-fail:all:*").stream() // a test may look with KEYS; the code never does
                .mapToLong(k -> Long.parseLong(gw.redis().get(k))).sum();
        assertTrue(counted <= 5, "wrong codes looked up past the lock: " + counted);
        Map<String, Integer> replies = new HashMap<>();
        telegramTexts(gw, "777002").forEach(t -> replies.merge(t, 1, Integer::sum));
        long tries = replies.entrySet().stream().filter(e -> e.getKey().contains("还能试")).mapToLong(Map.Entry::getValue).sum();
        assertTrue(tries <= 4, "\"try again\" answers: " + replies);
        assertEquals(guesses, replies.values().stream().mapToInt(Integer::intValue).sum(), "every guess is answered: " + replies);
    }

    private String inviteCode(GatewayUnderTest gw, String grandparent) throws Exception {
        gw.text(grandparent, "YQ");
        String sms = to(gw.sent(), grandparent).get(0);
        Matcher m = Pattern.compile("邀请码(\\d{8})").matcher(sms);
        assertTrue(m.find(), sms);
        return m.group(1);
    }

    private void telegram(GatewayUnderTest gw, String chat, String text) throws Exception {
        assertEquals(200, postTelegram(gw, chat, text));
        gw.gateway.drainOutbox();
    }

    private int postTelegram(GatewayUnderTest gw, String chat, String text) throws Exception {
        int n = updates.incrementAndGet();
        String update = "{\"update_id\":" + (100 + n) + ",\"message\":{\"message_id\":" + n
                + ",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Wang\"},\"chat\":{\"id\":" + chat
                + ",\"type\":\"private\"},\"date\":1784073600,\"text\":" + json.writeValueAsString(text) + "}}";
        return gw.raw(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/telegram"))
                .header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", TG_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(update)).build()).statusCode();
    }

    private List<String> telegramTexts(GatewayUnderTest gw, String chat) throws Exception {
        List<String> texts = new ArrayList<>();
        for (var r : gw.twilioApi.findAll(postRequestedFor(urlPathMatching("/bot.*/sendMessage")))) {
            var body = json.readTree(r.getBodyAsString());
            if (chat.equals(body.get("chat_id").asText())) {
                texts.add(body.get("text").asText());
            }
        }
        return texts;
    }
}
