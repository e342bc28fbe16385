package org.shouhu.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.shouhu.gateway.demo.TwilioWebhooks;
import org.shouhu.gateway.redis.ScratchDirectory;
import org.shouhu.gateway.testing.GatewayUnderTest;

/**
 * A node on its own supervised redis-server (a real process, killed -9 or paused): signed webhooks
 * are answered 503 (never 500) while Redis is away, and 200 again within seconds of its return.
 */
class RedisAwayTest {

    private ScratchDirectory dir;
    private GatewayUnderTest gw;
    private TwilioWebhooks twilio;
    private int sid;

    @BeforeEach
    void start() throws Exception {
        dir = ScratchDirectory.create("shouhu-redis-away");
        gw = new GatewayUnderTest(Map.of("REDIS_URL", "", "SHOUHU_REDIS_DIR", dir.path().toString())).withSite();
        twilio = new TwilioWebhooks(gw.baseUrl(), GatewayUnderTest.PUBLIC_URL, GatewayUnderTest.ACCOUNT,
                GatewayUnderTest.AUTH_TOKEN, GatewayUnderTest.OUR_NUMBER);
        assertEquals(200, webhook());
    }

    @AfterEach
    void stop() throws Exception {
        signal("CONT", serverPid()); // in case a test failed while it was paused
        gw.close();
        dir.close();
    }

    @Test
    void aKilledRedisServerIsBackAndWebhooksSucceedWithin5Seconds() throws Exception {
        long killed = serverPid();
        ProcessHandle server = ProcessHandle.of(killed).orElseThrow();
        server.destroyForcibly();
        server.onExit().get(5, TimeUnit.SECONDS); // gone: anything answered now is the new server
        long started = System.nanoTime();
        List<Integer> answers = new ArrayList<>();
        while (answers.isEmpty() || answers.get(answers.size() - 1) != 200) {
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "not back within 5 s: " + answers);
            answers.add(webhook());
        }
        assertTrue(answers.stream().allMatch(s -> s == 200 || s == 503), "503 while away, never 500: " + answers);
        while (serverPid() == killed && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
            Thread.sleep(5); // the pid file is written just after the new server answers
        }
        assertNotEquals(killed, serverPid(), "a new redis-server");
    }

    @Test
    void whileRedisIsAwayAWebhookGets503AndThen200() throws Exception {
        long pid = serverPid();
        signal("STOP", pid); // Redis stops answering (as a hung server, or one swapping, would)
        assertEquals(503, webhook());
        signal("CONT", pid);
        long started = System.nanoTime();
        int status = webhook();
        while (status != 200 && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5)) {
            status = webhook();
        }
        assertEquals(200, status, "back within 5 s");
    }

    private int webhook() throws Exception {
        return twilio.sms(GatewayUnderTest.WANG_GRANDMA, "4", "SMaway" + (++sid));
    }

    private long serverPid() throws Exception {
        return Long.parseLong(Files.readString(dir.path().resolve("redis-server.pid")).strip().split(" ")[0]);
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }
}
