package io.peapod.cri.streaming;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peapod.runtime.container.ContainerRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming server: plain HTTP on a TCP address (default 127.0.0.1 and a free port),
 * upgraded per request to SPDY/3.1 or WebSocket for exec, attach and port-forward. The NIO
 * transport is used so that port-forward connections, made as plain Java sockets inside a
 * pod's network namespace, join the same event loops.
 */
public final class StreamingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingServer.class);
    /** How long a URL handed out by Exec, Attach or PortForward stays valid. */
    public static final Duration TOKEN_TTL = Duration.ofMinutes(1);

    private final TokenCache tokens;
    private final EventLoopGroup group;
    private final Channel listener;
    private final String baseUrl;

    private StreamingServer(TokenCache tokens, EventLoopGroup group, Channel listener, String baseUrl) {
        this.tokens = tokens;
        this.group = group;
        this.listener = listener;
        this.baseUrl = baseUrl;
    }

    /** Starts on {@code address} (port 0: any free port) with tokens valid for {@link #TOKEN_TTL}. */
    public static StreamingServer start(InetSocketAddress address, ContainerRuntime containers) {
        return start(address, containers, new TokenCache(TOKEN_TTL, Clock.systemUTC()));
    }

    public static StreamingServer start(InetSocketAddress address, ContainerRuntime containers, TokenCache tokens) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("streaming-loop", true), NioIoHandler.newFactory());
        try {
            Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 10),
                                    new StreamingRouter(tokens, containers));
                        }
                    }).bind(address).syncUninterruptibly().channel();
            InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
            InetAddress host = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress()
                    : bound.getAddress();
            String hostText = host.getHostAddress().contains(":") ? "[" + host.getHostAddress() + "]"
                    : host.getHostAddress();
            String base = "http://" + hostText + ":" + bound.getPort();
            LOG.info("streaming server listening on {}", base);
            return new StreamingServer(tokens, group, ch, base);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot start the streaming server on " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the {@code streaming.address} setting: {@code HOST:PORT}, {@code [IPV6]:PORT} or
     * {@code :PORT} (loopback); port 0 picks a free one.
     */
    public static InetSocketAddress parseAddress(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("streaming address \"" + text + "\" is not HOST:PORT");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("streaming address \"" + text + "\": write an IPv6 host as [HOST]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("streaming address \"" + text + "\": port \"" + t.substring(colon + 1)
                    + "\" is not a number from 0 to 65535");
        }
        return host.isEmpty() ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(host, port);
    }

    /** {@code http://HOST:PORT}, what every streaming URL starts with. */
    public String baseUrl() {
        return baseUrl;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** A URL with a fresh single-use token for {@code request}. */
    public String urlFor(StreamRequest request) {
        return baseUrl + "/" + request.path() + "/" + tokens.insert(request);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
