package org.shouhu.gateway.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The HTTP front under abuse while Redis is paused (SIGSTOP) for 20 s: thousands of idle sockets
 * and a flood of unsigned POSTs. Signed webhooks are answered soon after Redis is back, idle
 * sockets are closed, and the heap stays flat.
 */
@Tag("fault")
class FaultHttpTest {

    private static final int IDLE_SOCKETS = 5000; // the machine's ulimit -n is 20000: both ends fit
    private static final int FLOOD_PER_SECOND = 2000;
    private static final int FLOOD_CONNECTIONS = 40;
    private static final int IDLE_SECONDS = 10; // SHOUHU_HTTP_IDLE_SECONDS for the test; the field default is longer

    private Cluster cluster;
    private final List<SocketChannel> idle = new ArrayList<>();
    private final List<Socket> flood = new ArrayList<>();

    @AfterEach
    void stop() {
        for (SocketChannel c : idle) {
            try {
                c.close();
            } catch (IOException e) {
                // closing
            }
        }
        synchronized (flood) {
            for (Socket s : flood) {
                try {
                    s.close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void idleSocketsAndAnUnsignedFloodWhileRedisIsPausedLeaveTheNodeAnsweringWithAFlatHeap() throws Exception {
        cluster = new Cluster(); // assigned first: @AfterEach cleans up even when a start below fails
        cluster.withRedis();
        Cluster.Roster roster = new Cluster.Roster().site("FH01", "洪县", "08:00", "17:30");
        roster.staff("FH01", "captain");
        roster.children("FH01", 20, 60_001);
        cluster.load(roster);
        NodeProcess node = cluster.node("n1", Map.of("SHOUHU_HTTP_IDLE_SECONDS", String.valueOf(IDLE_SECONDS)));
        cluster.clock("07:30"); // before the sites open: no safety event mixes in
        for (int i = 0; i < 5; i++) {
            cluster.sms(node, Cluster.Roster.guardian(60_001 + i), "4", cluster.sid());
        }
        long heapBefore = node.heapUsedMb();

        Selector selector = Selector.open();
        long openedAt = System.nanoTime();
        int opened = 0;
        for (int i = 0; i < IDLE_SOCKETS; i++) {
            try {
                SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", node.port));
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ);
                idle.add(c);
                opened++;
            } catch (IOException e) {
                break; // a connection cap refusing more is fine: they count as closed
            }
        }

        cluster.redis.pause();
        long pausedAt = System.nanoTime();
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong unsignedSent = new AtomicLong();
        Map<String, AtomicLong> unsignedAnswers = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < FLOOD_CONNECTIONS; c++) {
            Thread t = new Thread(() -> flood(node.port, flooding, unsignedSent, unsignedAnswers), "flood");
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        List<CompletableFuture<Integer>> signedDuringPause = new ArrayList<>();
        while (System.nanoTime() - pausedAt < 20_000_000_000L) {
            signedDuringPause.add(cluster.smsAsync(node, Cluster.Roster.guardian(60_006 + signedDuringPause.size() % 10), "4",
                    cluster.sid(), Duration.ofSeconds(60)));
            Processes.pause(1000);
        }
        flooding.set(false);
        long floodSeconds = (System.nanoTime() - pausedAt) / 1_000_000_000L;
        boolean aliveInFlood = node.alive();
        long heapPeak = aliveInFlood ? node.heapUsedMb() : -1;
        cluster.redis.resume();
        long resumedAt = System.nanoTime();
        synchronized (flood) {
            for (Socket s : flood) {
                s.close();
            }
        }

        List<CompletableFuture<Integer>> signedAfter = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            signedAfter.add(cluster.smsAsync(node, Cluster.Roster.guardian(60_016 + i), "4", cluster.sid(), Duration.ofSeconds(15)));
        }
        int signedOk = 0;
        for (CompletableFuture<Integer> f : signedAfter) {
            signedOk += f.join() == 200 ? 1 : 0;
        }
        long signedAfterMs = (System.nanoTime() - resumedAt) / 1_000_000;

        int closed = opened < IDLE_SOCKETS ? IDLE_SOCKETS - opened : 0;
        long closedAllMs = -1;
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        long idleDeadline = openedAt + 60_000_000_000L;
        while (closed < IDLE_SOCKETS && System.nanoTime() < idleDeadline) {
            selector.select(500);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                SocketChannel c = (SocketChannel) key.channel();
                int read;
                try {
                    buffer.clear();
                    read = c.read(buffer);
                } catch (IOException e) {
                    read = -1;
                }
                if (read < 0) {
                    key.cancel();
                    c.close();
                    closed++;
                }
            }
        }
        if (closed >= IDLE_SOCKETS) {
            closedAllMs = (System.nanoTime() - openedAt) / 1_000_000;
        }
        selector.close();
        long heapAfter = node.alive() ? node.heapUsedMb() : -1;
        Map<Integer, Integer> pausedAnswers = new TreeMap<>();
        for (CompletableFuture<Integer> f : signedDuringPause) {
            pausedAnswers.merge(f.join(), 1, Integer::sum);
        }
        for (Thread t : threads) {
            t.join(5000);
        }

        new FaultReport("5,000 idle sockets + 2,000 unsigned POSTs/s while Redis is paused 20 s",
                "signed webhooks answered ≤ 15 s after; idle sockets closed ≤ 60 s; heap growth < 200 MB")
                .counts(signedAfter.size(), signedOk, signedAfter.size() - signedOk, 0)
                .figure("idle sockets opened", opened)
                .figure("idle closed", closed)
                .figure("all idle closed after (ms)", closedAllMs < 0 ? "> 60000" : closedAllMs)
                .figure("unsigned POSTs sent", unsignedSent.get())
                .figure("unsigned rate (/s)", unsignedSent.get() / Math.max(1, floodSeconds))
                .figure("unsigned answers", new TreeMap<>(unsignedAnswers))
                .figure("signed during the pause", pausedAnswers)
                .figure("signed after resume answered in (ms)", signedAfterMs)
                .figure("heap before / peak / after (MB)", heapBefore + " / " + heapPeak + " / " + heapAfter)
                .check(aliveInFlood && node.alive(), "the node died under the flood:\n" + node.tail(20))
                .check(signedOk == signedAfter.size() && signedAfterMs <= 15_000,
                        signedOk + "/" + signedAfter.size() + " signed webhooks answered 200, " + signedAfterMs + " ms after Redis came back")
                .check(closed >= IDLE_SOCKETS, (IDLE_SOCKETS - closed) + " idle sockets still open 60 s after they were opened")
                .check(heapPeak >= 0 && heapPeak - heapBefore < 200 && heapAfter - heapBefore < 200,
                        "heap grew from " + heapBefore + " MB to " + heapPeak + " MB (after: " + heapAfter + ")")
                .finish();
    }

    /** One flood connection: unsigned webhooks, pipelined on keep-alive, at its share of the rate; reconnects when cut. */
    private void flood(int port, AtomicBoolean flooding, AtomicLong sent, Map<String, AtomicLong> answers) {
        byte[] body = "From=%2B8613900000001&To=%2B8610690009&Body=4&MessageSid=SMunsigned".getBytes(StandardCharsets.US_ASCII);
        byte[] request = ("POST /twilio/sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        long periodNanos = 1_000_000_000L * FLOOD_CONNECTIONS / FLOOD_PER_SECOND;
        while (flooding.get()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                synchronized (flood) {
                    flood.add(socket);
                }
                Thread reader = new Thread(() -> readAnswers(socket, answers), "flood-reader");
                reader.setDaemon(true);
                reader.start();
                OutputStream out = socket.getOutputStream();
                long next = System.nanoTime();
                while (flooding.get()) {
                    out.write(request);
                    out.flush();
                    sent.incrementAndGet();
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (IOException e) {
                answers.computeIfAbsent("connection cut", k -> new AtomicLong()).incrementAndGet();
                Processes.pause(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void readAnswers(Socket socket, Map<String, AtomicLong> answers) {
        byte[] buffer = new byte[8192];
        String carry = "";
        try {
            InputStream in = socket.getInputStream();
            int n;
            while ((n = in.read(buffer)) > 0) {
                String text = carry + new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                int at = 0;
                int done = 0;
                while ((at = text.indexOf("HTTP/1.1 ", at)) >= 0 && at + 12 <= text.length()) {
                    answers.computeIfAbsent(text.substring(at + 9, at + 12), k -> new AtomicLong()).incrementAndGet();
                    at += 12;
                    done = at;
                }
                carry = text.substring(Math.max(done, text.length() - 12));
            }
        } catch (IOException e) {
            // the connection was closed
        }
    }
}
