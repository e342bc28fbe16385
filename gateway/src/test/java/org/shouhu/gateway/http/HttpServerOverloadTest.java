package org.shouhu.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The HTTP front under overload and abuse, over raw sockets (as a flood or a slow client would talk to it). */
class HttpServerOverloadTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private HttpServer start(HttpLimits limits) throws InterruptedException {
        server = new HttpServer(limits)
                .route("/fast", call -> HttpReply.text(200, "fast " + call.queryParam("n")))
                .route("/slow", call -> {
                    Thread.sleep(300);
                    return HttpReply.text(200, "slow " + call.queryParam("n"));
                })
                .route("/blocked", call -> {
                    entered.countDown();
                    release.await();
                    return HttpReply.text(200, "released");
                })
                .route("/error", call -> {
                    throw new StackOverflowError("deep in an endpoint");
                })
                .route("/redis-down", call -> {
                    throw new JedisConnectionException("Unexpected end of stream.");
                })
                .answerOnEventLoop("/live", HttpReply.text(200, "live"))
                .start("127.0.0.1", 0);
        return server;
    }

    private static HttpLimits limits(int workers, int queue, int connections, Duration idle) {
        return new HttpLimits(workers, queue, connections, idle);
    }

    @Test
    void aFullWorkerQueueAnswers503WithRetryAfter() throws Exception {
        start(limits(1, 1, 100, Duration.ofSeconds(30)));
        try (Client busy = new Client(); Client queued = new Client(); Client refused = new Client()) {
            busy.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the one worker takes it");
            queued.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.queued() < 1) { // the one queue place takes it
                assertTrue(System.nanoTime() < deadline, "never queued");
                Thread.sleep(5);
            }
            refused.send("GET /fast?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            Reply reply = refused.read();
            assertEquals(503, reply.status());
            assertEquals("1", reply.headers().get("retry-after"));
            release.countDown();
            assertEquals(200, busy.read().status());
            assertEquals(200, queued.read().status());
            refused.send("GET /fast?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("fast 2", refused.read().body(), "a refused client is served once the queue drains");
        }
    }

    @Test
    void anAnswerOnTheEventLoopComesWhileEveryWorkerIsStuckAndTheQueueIsFull() throws Exception {
        start(limits(1, 1, 100, Duration.ofSeconds(30)));
        try (Client busy = new Client(); Client queued = new Client(); Client probe = new Client()) {
            busy.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the one worker is stuck");
            queued.send("GET /blocked HTTP/1.1\r\nHost: x\r\n\r\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.queued() < 1) {
                assertTrue(System.nanoTime() < deadline, "never queued");
                Thread.sleep(5);
            }
            probe.send("GET /live HTTP/1.1\r\nHost: x\r\n\r\n");
            Reply live = probe.read();
            assertEquals(200, live.status(), "a liveness probe is not refused as busy");
            assertEquals("live", live.body());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        start(limits(4, 16, 100, Duration.ofSeconds(30)));
        try (Client client = new Client()) {
            client.send("GET /slow?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast?n=2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /slow?n=3 HTTP/1.1\r\nHost: x\r\n\r\nGET /fast?n=4 HTTP/1.1\r\nHost: x\r\n\r\n");
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bodies.add(client.read().body());
            }
            assertEquals(List.of("slow 1", "fast 2", "slow 3", "fast 4"), bodies);
        }
    }

    @Test
    void anEndpointThrowingAnErrorGets500WithoutDetail() throws Exception {
        start(limits(2, 16, 100, Duration.ofSeconds(30)));
        try (Client client = new Client()) {
            client.send("POST /error HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            Reply reply = client.read();
            assertEquals(500, reply.status());
            assertFalse(reply.body().contains("StackOverflow") || reply.body().contains("deep"), reply.body());
            client.send("GET /fast?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("fast 1", client.read().body(), "the connection and its worker live on");
        }
    }

    @Test
    void aRequestWhoseUriCannotBeDecodedGets400NotASilentClose() throws Exception {
        start(limits(2, 16, 100, Duration.ofSeconds(30)));
        try (Client client = new Client()) {
            client.send("GET /fast%zz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(400, client.read().status());
        }
    }

    @Test
    void redisAwayIs503WithRetryAfterNot500() throws Exception {
        start(limits(2, 16, 100, Duration.ofSeconds(30)));
        server.route("/failed-while-away", call -> HttpReply.text(500, "try again"));
        try (Client client = new Client()) {
            client.send("POST /redis-down HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            Reply reply = client.read();
            assertEquals(503, reply.status());
            assertEquals("5", reply.headers().get("retry-after"));
            client.send("POST /failed-while-away HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertEquals(500, client.read().status(), "a 500 while Redis is there stays a 500");
            server.whileAway(since -> true);
            client.send("POST /failed-while-away HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            reply = client.read();
            assertEquals(503, reply.status(), "an endpoint's 500 while Redis is away");
            assertEquals("5", reply.headers().get("retry-after"));
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheTimeout() throws Exception {
        start(limits(2, 16, 100, Duration.ofMillis(300)));
        try (Client idle = new Client()) {
            long started = System.nanoTime();
            assertTrue(idle.closedByServer(5_000), "an idle connection is closed");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
        }
        try (Client answered = new Client()) { // idle after an answer too
            answered.send("GET /fast?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, answered.read().status());
            assertTrue(answered.closedByServer(5_000));
        }
    }

    @Test
    void aClientTricklingItsRequestIsClosed() throws Exception {
        start(limits(2, 16, 100, Duration.ofMillis(500)));
        try (Client slowloris = new Client()) {
            slowloris.send("POST /fast HTTP/1.1\r\nHost: x\r\n");
            boolean closed = false;
            for (int i = 0; i < 40 && !closed; i++) { // a header every 100 ms, never the end of the request
                try {
                    slowloris.send("X-Slow-" + i + ": 1\r\n");
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                closed = slowloris.closedByServer(100);
            }
            assertTrue(closed, "a request that never completes does not hold its connection");
        }
    }

    @Test
    void connectionsPastTheCapAreRefusedWith503() throws Exception {
        start(limits(2, 16, 2, Duration.ofSeconds(30)));
        try (Client first = new Client(); Client second = new Client()) {
            first.send("GET /fast?n=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, first.read().status());
            second.send("GET /fast?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, second.read().status());
            try (Client third = new Client()) {
                Reply reply = third.read();
                assertEquals(503, reply.status());
                assertTrue(third.closedByServer(2_000));
            }
        }
        try (Client later = new Client()) { // the two closed: room again
            Thread.sleep(200);
            later.send("GET /fast?n=3 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, later.read().status());
        }
    }

    @Test
    void theListenerBindsTheHostItIsGiven() throws Exception {
        start(limits(1, 1, 10, Duration.ofSeconds(30)));
        assertTrue(server.address().getAddress().isLoopbackAddress(), server.address().toString());
    }

    /** A raw HTTP/1.1 answer. */
    record Reply(int status, Map<String, String> headers, String body) {
    }

    /** A client socket to the server under test. */
    private final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client() throws IOException {
            socket = new Socket("127.0.0.1", server.port());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        Reply read() throws IOException {
            String status = line();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new Reply(Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
        }

        /** Whether the server closes the connection within {@code millis} (reads and drops what comes before). */
        boolean closedByServer(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                while (true) {
                    if (in.read() < 0) {
                        return true;
                    }
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-answer");
                }
                if (b != '\r') {
                    buf.write(b);
                }
            }
            return buf.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
