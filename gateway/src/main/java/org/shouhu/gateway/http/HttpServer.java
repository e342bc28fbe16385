package org.shouhu.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.shouhu.routes.model.Phone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.shouhu.gateway.redis.RedisWatch;

/**
 * The gateway's HTTP front: a plain Netty pipeline (codec, keep-alive, 64 KiB aggregator) whose
 * last handler copies each request and runs its endpoint on a bounded worker pool, so endpoints
 * may block on Redis without stalling the event loop; the reply is written back on the event loop.
 * Routes by exact path, then by prefix ({@code /api/}). Under overload it refuses rather than
 * grows ({@link HttpLimits}): a full worker queue answers 503 with {@code Retry-After}, a
 * connection past the cap is answered 503 and closed, a connection without a whole request for
 * the idle timeout is closed. A connection's requests are answered one at a time, in order (it is
 * not read while one is being answered), and every request gets an answer — an endpoint that
 * throws anything, even an {@link Error}, gets 500 without detail; one that fails because Redis
 * is away gets 503 with {@code Retry-After}.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Bodies larger than this are refused with 413 before any endpoint sees them. */
    public static final int MAX_BODY = 64 * 1024;
    /** Seconds a client is asked to wait when the worker queue is full. */
    static final int BUSY_RETRY_AFTER = 1;
    /** Seconds a client is asked to wait while Redis is away (it comes back within seconds). */
    static final int AWAY_RETRY_AFTER = 5;
    private static final byte[] TOO_MANY_CONNECTIONS = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: "
            + AWAY_RETRY_AFTER + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final Map<String, HttpEndpoint> exact = new HashMap<>();
    private final Map<String, HttpReply> immediate = new HashMap<>();
    private final Map<String, HttpEndpoint> prefixes = new LinkedHashMap<>();
    private final HttpLimits configured;
    private LongPredicate backendAway = since -> false;
    private HttpObserver observer = HttpObserver.NONE;
    /** The route of answers given without an endpoint (400 unreadable, 404 unknown path). */
    static final String OTHER_ROUTE = "other";
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private ThreadPoolExecutor workers;
    private Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** A server with the default limits ({@link HttpLimits#defaults}). */
    public HttpServer() {
        this(null);
    }

    /** A server with these limits; {@code null}: the defaults. */
    public HttpServer(HttpLimits limits) {
        this.configured = limits;
    }

    /** Tells {@code observer} of every answer: its route, status and time (counted on the event loop, after it is written). */
    public HttpServer observe(HttpObserver observer) {
        this.observer = observer;
        return this;
    }

    /**
     * Answers {@code path} with {@code reply} on the event loop, whatever the method, without a worker: for an
     * answer that must come however busy the workers are (liveness). Counted under its path.
     */
    public HttpServer answerOnEventLoop(String path, HttpReply reply) {
        immediate.put(path, reply);
        return this;
    }

    /** Serves {@code endpoint} at exactly {@code path}. */
    public HttpServer route(String path, HttpEndpoint endpoint) {
        exact.put(path, endpoint);
        return this;
    }

    /** Serves {@code endpoint} for every path starting with {@code prefix}. */
    public HttpServer routePrefix(String prefix, HttpEndpoint endpoint) {
        prefixes.put(prefix, endpoint);
        return this;
    }

    /**
     * Tells the server whether Redis was away at some moment since a request began (given as a
     * {@link System#nanoTime()}): a request that failed (500, or threw) meanwhile answers 503 with
     * {@code Retry-After}, so the provider comes back later rather than giving up. Asked only when
     * a request failed, so it may ask Redis itself.
     */
    public HttpServer whileAway(LongPredicate away) {
        this.backendAway = away;
        return this;
    }

    /** Binds to {@code host} ({@code 0.0.0.0}: every interface) and {@code port} (0: a free port) with the configured limits. */
    public HttpServer start(String host, int port) throws InterruptedException {
        return start(host, port, configured == null ? HttpLimits.defaults(16) : configured);
    }

    /** The same, with {@code workerThreads} endpoint threads and otherwise the configured limits. */
    public HttpServer start(String host, int port, int workerThreads) throws InterruptedException {
        HttpLimits base = configured == null ? HttpLimits.defaults(workerThreads) : configured;
        return start(host, port, new HttpLimits(workerThreads, base.queue(), base.maxConnections(), base.idleTimeout()));
    }

    private HttpServer start(String host, int port, HttpLimits limits) throws InterruptedException {
        boss = new NioEventLoopGroup(1);
        io = new NioEventLoopGroup();
        workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), r -> {
                    Thread t = new Thread(r, "http-endpoint");
                    t.setDaemon(true);
                    return t;
                });
        long idleNanos = limits.idleTimeout().toNanos();
        channel = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.size() >= limits.maxConnections()) {
                            LOG.warn("HTTP connection refused: {} open, the cap", connections.size());
                            ch.writeAndFlush(Unpooled.wrappedBuffer(TOO_MANY_CONNECTIONS)).addListener(ChannelFutureListener.CLOSE);
                            return;
                        }
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpServerKeepAliveHandler())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Connection(idleNanos));
                    }
                })
                .bind(host, port).sync().channel();
        LOG.info("HTTP on {} ({} workers, queue {}, at most {} connections, idle {} ms)", channel.localAddress(),
                limits.workers(), limits.queue(), limits.maxConnections(), limits.idleTimeout().toMillis());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Requests waiting for a worker now (tests). */
    int queued() {
        return workers.getQueue().size();
    }

    HttpEndpoint endpointFor(String path) {
        String route = routeFor(path);
        return route == null ? null : endpointOf(route);
    }

    /** The endpoint of a route {@link #routeFor} gave. */
    private HttpEndpoint endpointOf(String route) {
        HttpEndpoint endpoint = exact.get(route);
        return endpoint != null ? endpoint : prefixes.get(route);
    }

    /** The route a path is served by: its exact path or the prefix it starts with; null when none. */
    String routeFor(String path) {
        if (exact.containsKey(path)) {
            return path;
        }
        for (String prefix : prefixes.keySet()) {
            if (path.startsWith(prefix)) {
                return prefix;
            }
        }
        return null;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (boss != null) {
            workers.shutdown();
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Runs an endpoint: its reply, 503 when it failed because Redis is away, or 500 for any other failure. */
    HttpReply answer(HttpEndpoint endpoint, HttpCall call) {
        long began = System.nanoTime();
        try {
            HttpReply reply = endpoint.handle(call);
            if (reply == null) {
                throw new IllegalStateException("the endpoint answered nothing");
            }
            if (reply.status() == 500 && backendAway.test(began)) {
                return away();
            }
            return reply;
        } catch (Throwable e) { // an Error too: the socket still gets its answer
            if (RedisWatch.unreachable(e) || backendAwaySafely(began)) {
                LOG.warn("{} {}: Redis is away, answered 503: {}", call.method(), Phone.maskNumbers(call.path()), e.toString());
                return away();
            }
            LOG.error("{} {} failed: {}", call.method(), Phone.maskNumbers(call.path()), e.toString());
            return HttpReply.text(500, "internal error, try again");
        }
    }

    private boolean backendAwaySafely(long began) {
        try {
            return backendAway.test(began);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static HttpReply away() {
        return HttpReply.unavailable(AWAY_RETRY_AFTER, "storage unavailable, try again shortly");
    }

    /**
     * One connection: its requests in order, one at a time. While one is being answered the
     * socket is not read (requests the client pipelined wait in the kernel, not in our memory;
     * those already decoded wait in a small queue); a connection with no whole request for the
     * idle timeout — idle, or trickling one (slowloris) — is closed.
     */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final long idleNanos;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private boolean busy;
        private ScheduledFuture<?> deadline;

        Connection(long idleNanos) {
            this.idleNanos = idleNanos;
        }

        /** A request read whole: its reply when known without an endpoint, else its endpoint and call. */
        private record Pending(HttpEndpoint endpoint, HttpCall call, HttpReply reply, boolean keepAlive, String route,
                               long began) {
            Pending(HttpReply reply, boolean keepAlive) { // answered without an endpoint: unreadable, unknown path
                this(null, null, reply, keepAlive, OTHER_ROUTE, System.nanoTime());
            }
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            arm(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            disarm();
            waiting.clear();
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            disarm();
            ctx.channel().config().setAutoRead(false); // the next request is read once this one is answered
            waiting.add(pending(ctx, request));
            next(ctx);
        }

        /** The request as waiting work; one that cannot even be read (a bad escape in its URI) is answered 400. */
        private Pending pending(ChannelHandlerContext ctx, FullHttpRequest request) {
            try {
                return readable(ctx, request);
            } catch (IllegalArgumentException unreadable) {
                return new Pending(HttpReply.text(400, "bad request: " + unreadable.getMessage()), false);
            } catch (Throwable e) { // the socket still gets its answer
                LOG.error("reading a request failed: {}", e.toString());
                return new Pending(HttpReply.text(500, "internal error, try again"), false);
            }
        }

        private Pending readable(ChannelHandlerContext ctx, FullHttpRequest request) {
            long began = System.nanoTime();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                return new Pending(HttpReply.text(400, "bad request"), false);
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            HttpReply now = immediate.get(uri.path());
            if (now != null) {
                return new Pending(null, null, now, keepAlive, uri.path(), began);
            }
            String route = routeFor(uri.path());
            if (route == null) {
                return new Pending(HttpReply.text(404, "not found"), keepAlive);
            }
            return new Pending(endpointOf(route), call(ctx, request, uri), null, keepAlive, route, began);
        }

        /** Starts the next waiting request unless one is being answered; reads again when none waits. */
        private void next(ChannelHandlerContext ctx) {
            if (busy) {
                return;
            }
            Pending p = waiting.poll();
            if (p == null) {
                if (ctx.channel().isActive()) {
                    ctx.channel().config().setAutoRead(true);
                    ctx.read();
                    arm(ctx);
                }
                return;
            }
            busy = true;
            if (p.reply() != null) {
                finish(ctx, p, p.reply());
                return;
            }
            try {
                workers.execute(() -> {
                    HttpReply reply = answer(p.endpoint(), p.call());
                    ctx.executor().execute(() -> finish(ctx, p, reply));
                });
            } catch (RejectedExecutionException full) {
                if (workers.isShutdown()) {
                    finish(ctx, p, HttpReply.unavailable(BUSY_RETRY_AFTER, "shutting down, try again").withHeader("Connection", "close"));
                } else {
                    LOG.warn("HTTP worker queue full: {} {} answered 503", p.call().method(), Phone.maskNumbers(p.call().path()));
                    finish(ctx, p, HttpReply.unavailable(BUSY_RETRY_AFTER, "busy, try again"));
                }
            }
        }

        private void finish(ChannelHandlerContext ctx, Pending p, HttpReply reply) {
            boolean keepAlive = p.keepAlive() && !"close".equals(reply.headers().get("Connection"));
            write(ctx, reply, keepAlive);
            try {
                observer.answered(p.route(), reply.status(), System.nanoTime() - p.began());
            } catch (RuntimeException e) { // counting must never cost an answer
                LOG.debug("the HTTP observer failed: {}", e.toString());
            }
            busy = false;
            if (keepAlive) {
                next(ctx);
            } else {
                waiting.clear();
            }
        }

        private void write(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
            reply.headers().forEach((name, value) -> response.headers().set(name, value));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            HttpUtil.setContentLength(response, reply.body().length);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Closes the connection unless a whole request arrives within the idle timeout. */
        private void arm(ChannelHandlerContext ctx) {
            disarm();
            deadline = ctx.executor().schedule(() -> {
                if (!busy && waiting.isEmpty()) {
                    LOG.debug("HTTP connection {} idle or too slow: closed", ctx.channel().remoteAddress());
                    ctx.close();
                }
            }, idleNanos, TimeUnit.NANOSECONDS);
        }

        private void disarm() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        /** Copies what endpoints need out of the request while Netty still owns its buffer. */
        private HttpCall call(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            java.net.InetAddress peer = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
            return new HttpCall(request.method().name(), uri.path(), uri.parameters(), headers,
                    ByteBufUtil.getBytes(request.content()), peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection error: {}", cause.toString());
            ctx.close();
        }
    }
}
