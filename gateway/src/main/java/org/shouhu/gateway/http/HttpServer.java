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
import io.netty.util.concurrent.GlobalEventExecutor;
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
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP front: a plain Netty pipeline (codec, keep-alive, 64 KiB aggregator) whose
 * last handler copies each request and runs its endpoint on a worker pool, so endpoints may block
 * on Redis without stalling the event loop; the reply is written back from the worker. Routes by exact path, then by prefix ({@code /api/}).
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Bodies larger than this are refused with 413 before any endpoint sees them. */
    public static final int MAX_BODY = 64 * 1024;

    private final Map<String, HttpEndpoint> exact = new HashMap<>();
    private final Map<String, HttpEndpoint> prefixes = new LinkedHashMap<>();
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private ExecutorService workers;
    private Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

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

    /** Binds to {@code port} on all interfaces (0: a free port) with {@code workerThreads} endpoint threads. */
    public HttpServer start(String host, int port, int workerThreads) throws InterruptedException {
        boss = new NioEventLoopGroup(1);
        io = new NioEventLoopGroup();
        workers = Executors.newFixedThreadPool(workerThreads, r -> {
            Thread t = new Thread(r, "http-endpoint");
            t.setDaemon(true);
            return t;
        });
        Dispatcher dispatcher = new Dispatcher();
        channel = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpServerKeepAliveHandler())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(dispatcher);
                    }
                })
                .bind(host, port).sync().channel();
        LOG.info("HTTP on {}", channel.localAddress());
        return this;
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    HttpEndpoint endpointFor(String path) {
        HttpEndpoint endpoint = exact.get(path);
        if (endpoint != null) {
            return endpoint;
        }
        for (Map.Entry<String, HttpEndpoint> e : prefixes.entrySet()) {
            if (path.startsWith(e.getKey())) {
                return e.getValue();
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

    /** Turns a request into an {@link HttpCall}, asks the endpoint, writes its reply. */
    @io.netty.channel.ChannelHandler.Sharable
    private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                write(ctx, HttpReply.text(400, "bad request"), keepAlive);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            HttpEndpoint endpoint = endpointFor(uri.path());
            if (endpoint == null) {
                write(ctx, HttpReply.text(404, "not found"), keepAlive);
                return;
            }
            HttpCall call = call(request, uri);
            try {
                workers.execute(() -> write(ctx, answer(endpoint, call), keepAlive));
            } catch (RejectedExecutionException stopping) {
                write(ctx, HttpReply.text(503, "shutting down, try again"), false);
            }
        }

        private void write(ChannelHandlerContext ctx, HttpReply reply, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            HttpUtil.setContentLength(response, reply.body().length);
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Copies what endpoints need out of the request while Netty still owns its buffer. */
        private HttpCall call(FullHttpRequest request, QueryStringDecoder uri) {
            Map<String, String> headers = new HashMap<>();
            request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            return new HttpCall(request.method().name(), uri.path(), uri.parameters(), headers,
                    ByteBufUtil.getBytes(request.content()));
        }

        private HttpReply answer(HttpEndpoint endpoint, HttpCall call) {
            try {
                return endpoint.handle(call);
            } catch (Exception e) {
                LOG.error("{} {} failed: {}", call.method(), org.shouhu.routes.model.Phone.maskNumbers(call.path()), e.toString());
                return HttpReply.text(500, "internal error, try again");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection error: {}", cause.toString());
            ctx.close();
        }
    }
}
