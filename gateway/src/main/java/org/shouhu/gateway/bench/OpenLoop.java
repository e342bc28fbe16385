package org.shouhu.gateway.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop client in wrk2's model: requests fall due at a fixed rate and go out over a fixed
 * number of keep-alive connections; each is measured from the moment it was due, not from when a
 * connection was free to send it, so a stall counts against every request it held up — latency free
 * of coordinated omission (HdrHistogram). A fixed pool, as wrk2 {@code -c32 -R1000}: a client that
 * opens a connection for every request it cannot send at once measures its own connection storm.
 * The connections are plain sockets, not Apache HttpClient's pool: the client shares 2 cores with
 * the node it measures, and with the pool in its place the open-loop p99 read 46–126 ms against
 * 28–29 ms in alternate quick runs of one build.
 */
final class OpenLoop {

    /** Latency percentiles in ms, and how many answers were not 200 or did not come. */
    record Result(double p50Ms, double p99Ms, double maxMs, long sent, long failed) {
    }

    /** One prepared request: its form body and the headers to send with it (name, value, …). */
    record Post(String body, String... headers) {
    }

    private OpenLoop() {
    }

    /** POSTs each of {@code posts} once to {@code path} on 127.0.0.1:{@code port}, {@code perSecond} a second. */
    static Result run(int port, String path, List<Post> posts, int perSecond, int connections) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong failed = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        long interval = 1_000_000_000L / perSecond;
        long start = System.nanoTime() + 50_000_000L; // every connection open before the first is due
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                Connection connection = null;
                for (int i = next.getAndIncrement(); i < posts.size(); i = next.getAndIncrement()) {
                    long due = start + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    boolean ok;
                    try {
                        if (connection == null) {
                            connection = new Connection(port);
                        }
                        ok = connection.post(path, posts.get(i)) == 200;
                        if (connection.spent) {
                            connection.close();
                            connection = null;
                        }
                    } catch (IOException e) {
                        ok = false;
                    }
                    recorder.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                    if (!ok) {
                        failed.incrementAndGet();
                        if (connection != null) { // its state is unknown: start afresh
                            connection.close();
                            connection = null;
                        }
                    }
                }
                if (connection != null) {
                    connection.close();
                }
            }, "open-loop-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        Histogram h = recorder.getIntervalHistogram();
        return new Result(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                posts.size(), failed.get());
    }

    /** One keep-alive HTTP/1.1 connection; an answer must carry a Content-Length (the gateway's do). */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        /** The server said it closes the connection after this answer. */
        private boolean spent;

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        /** Sends one POST and reads its whole answer; returns the status. */
        int post(String path, Post post) throws IOException {
            byte[] body = post.body().getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length).append("\r\n");
            for (int h = 0; h + 1 < post.headers().length; h += 2) {
                head.append(post.headers()[h]).append(": ").append(post.headers()[h + 1]).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line();
            if (status == null || !status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("no HTTP answer: " + status);
            }
            int length = -1;
            boolean close = false;
            for (String header = line(); header != null && !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).strip());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new IOException("an answer without Content-Length");
            }
            in.skipNBytes(length);
            spent = close;
            return Integer.parseInt(status.substring(9, 12));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return line.length() == 0 ? null : line.toString();
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a connection we no longer use
            }
        }
    }
}
