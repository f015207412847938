package io.peapod.cri.streaming.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Opens a TCP connection to a streaming URL and upgrades it; the result carries the agreed protocol. */
final class Connector {
    static final int MAX_FRAME = 16 << 20;
    /** Fired through the pipeline once the upgrade is complete: the session may start writing. */
    static final Object STARTED = new Object();

    record Upgraded(EventLoopGroup group, Channel channel, String protocol) {
        void shutdown() {
            channel.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private Connector() {
    }

    /** Connects and upgrades; {@code session} is added to the pipeline once the upgrade succeeded. */
    static Upgraded connect(URI url, Transport transport, List<String> protocols,
                            java.util.function.Function<String, io.netty.channel.ChannelHandler> session) {
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("streaming URL " + url + " is not http://");
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stream-client", true),
                NioIoHandler.newFactory());
        CompletableFuture<String> done = new CompletableFuture<>();
        try {
            int port = url.getPort() < 0 ? 80 : url.getPort();
            WebSocketClientHandshaker ws = transport == Transport.WEBSOCKET
                    ? WebSocketClientHandshakerFactory.newHandshaker(URI.create("ws" + url.toString().substring(4)),
                    WebSocketVersion.V13, String.join(",", protocols), true, new DefaultHttpHeaders(), MAX_FRAME)
                    : null;
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast("http", new HttpClientCodec());
                            c.pipeline().addLast("aggregator", new HttpObjectAggregator(1 << 20));
                            c.pipeline().addLast("upgrade", new SimpleChannelInboundHandler<FullHttpResponse>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                                    upgraded(ctx, res, ws, session, done);
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    done.completeExceptionally(new StreamException("connection to " + url
                                            + " closed before the upgrade", 0));
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    done.completeExceptionally(cause);
                                    ctx.close();
                                }
                            });
                        }
                    }).connect(url.getHost(), port).syncUninterruptibly().channel();
            if (ws != null) {
                ws.handshake(ch);
            } else {
                DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                        url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
                req.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + port);
                req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
                req.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
                req.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                for (String p : protocols) {
                    req.headers().add("X-Stream-Protocol-Version", p);
                }
                ch.writeAndFlush(req);
            }
            String protocol = done.get(30, TimeUnit.SECONDS);
            return new Upgraded(group, ch, protocol);
        } catch (ExecutionException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e.getCause() instanceof StreamException se) {
                throw se;
            }
            throw new StreamException("cannot connect to " + url + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (e instanceof StreamException se) {
                throw se;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StreamException("cannot connect to " + url + ": " + e, e);
        }
    }

    private static void upgraded(ChannelHandlerContext ctx, FullHttpResponse res, WebSocketClientHandshaker ws,
                                 java.util.function.Function<String, io.netty.channel.ChannelHandler> session,
                                 CompletableFuture<String> done) {
        if (!res.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            String body = new String(ByteBufUtil.getBytes(res.content()), StandardCharsets.UTF_8).strip();
            done.completeExceptionally(new StreamException("upgrade refused: " + res.status() + ": " + body,
                    res.status().code()));
            ctx.close();
            return;
        }
        var p = ctx.pipeline();
        String protocol;
        if (ws != null) {
            ws.finishHandshake(ctx.channel(), res);
            protocol = ws.actualSubprotocol();
            p.addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
            p.addLast("session", session.apply(protocol));
            p.remove(ctx.handler());
        } else {
            protocol = res.headers().get("X-Stream-Protocol-Version");
            p.remove("aggregator");
            p.addAfter(ctx.name(), "session", session.apply(protocol));
            p.addAfter(ctx.name(), "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
            p.remove(ctx.handler());
            p.remove("http");
        }
        p.fireUserEventTriggered(STARTED);
        done.complete(protocol == null ? "" : protocol);
    }
}
