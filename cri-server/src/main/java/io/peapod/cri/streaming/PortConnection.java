package io.peapod.cri.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection to a port inside a pod's network namespace. The socket is made
 * and connected on a short-lived platform thread that first joins the namespace with
 * {@code setns}; a socket belongs to the namespace it was created in, so once connected it is
 * handed to the caller's event loop like any other channel.
 */
final class PortConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PortConnection.class);

    /** Where the target's bytes go: {@code data} takes ownership of the buffer. */
    interface Sink {
        void data(ByteBuf buf);

        /** The target closed the connection (or it failed). */
        void closed();
    }

    private final Channel channel;

    private PortConnection(Channel channel) {
        this.channel = channel;
    }

    /**
     * Connects to {@code 127.0.0.1:port} in {@code netns} (null: this host's namespace) and calls
     * {@code onOpen} or {@code onError} on {@code loop}.
     */
    static void open(String netns, int port, EventLoop loop, Sink sink, Consumer<PortConnection> onOpen,
                     Consumer<String> onError) {
        Thread t = new Thread(() -> {
            SocketChannel socket = null;
            try {
                if (netns != null) {
                    LinuxSyscalls.get().setns(netns, Syscalls.CLONE_NEWNET);
                }
                socket = SocketChannel.open();
                socket.connect(new InetSocketAddress("127.0.0.1", port));
                NioSocketChannel ch = new NioSocketChannel(socket);
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        sink.data((ByteBuf) msg);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                            sink.closed();
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        sink.closed();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        LOG.debug("forwarded connection to port {}: {}", port, cause.toString());
                        ctx.close();
                    }
                });
                loop.register(ch).addListener(f -> {
                    if (f.isSuccess()) {
                        onOpen.accept(new PortConnection(ch));
                    } else {
                        onError.accept("cannot register the connection to port " + port + ": " + f.cause());
                    }
                });
            } catch (IOException | RuntimeException e) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // already failing
                    }
                }
                String where = netns == null ? "" : " in network namespace " + netns;
                String message = "failed to connect to localhost:" + port + where + ": " + e.getMessage();
                loop.execute(() -> onError.accept(message));
            }
        }, "peapod-stream-pf-connect-" + port);
        t.setDaemon(true);
        t.start();
    }

    Channel channel() {
        return channel;
    }

    void write(ByteBuf buf) {
        channel.writeAndFlush(buf);
    }

    /** The client finished sending: half-close towards the target. */
    void shutdownOutput() {
        if (channel instanceof DuplexChannel d && channel.isActive()) {
            d.shutdownOutput();
        }
    }

    void close() {
        channel.close();
    }
}
