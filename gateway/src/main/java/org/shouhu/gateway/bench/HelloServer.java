package org.shouhu.gateway.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.handler.codec.http.HttpVersion;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The baseline under every HTTP figure: a bare Netty server with the gateway's own codec chain
 * (codec, keep-alive, aggregator) that answers every request "hello" on the event loop and does
 * nothing else. {@code bench-hello --port N} runs it until killed.
 */
public final class HelloServer {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private HelloServer() {
    }

    /** {@code bench-hello --port N}: serves until killed, after printing "hello serving on port N". */
    public static int run(String[] args, PrintStream out) throws InterruptedException {
        if (args.length != 2 || !args[0].equals("--port")) {
            throw new IllegalArgumentException("bench-hello --port N");
        }
        int port = Integer.parseInt(args[1]);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        try {
            Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                    new HttpObjectAggregator(64 * 1024), new Hello());
                        }
                    }).bind("127.0.0.1", port).sync().channel();
            out.println("hello serving on port " + port);
            channel.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
        return 0;
    }

    /** Answers each request with 200 "hello". */
    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(HELLO));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
            ctx.writeAndFlush(response);
        }
    }
}
