package io.peapod.cri;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.peapod.cri.v1.ImageServiceGrpc;
import io.peapod.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A client of a peapod (or any CRI) server on a Unix socket, for the command line, {@code peapod
 * bench} and tests. Owns one event loop thread and the channel; {@link #close()} releases both.
 */
public final class CriClient implements AutoCloseable {
    private final Path socket;
    private final EventLoopGroup group;
    private final ManagedChannel channel;

    private CriClient(Path socket) {
        this.socket = socket;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peapod-cri-client", true),
                EpollIoHandler.newFactory());
        this.channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .maxInboundMessageSize(CriServer.MAX_MESSAGE_BYTES)
                // a Unix socket has no TCP keep-alive; null drops the option grpc-netty sets
                .withOption(ChannelOption.SO_KEEPALIVE, null)
                .build();
    }

    /** Connects lazily: the first call opens the socket, and fails with UNAVAILABLE if nobody listens. */
    public static CriClient connect(Path socket) {
        return new CriClient(Objects.requireNonNull(socket, "socket"));
    }

    public Path socket() {
        return socket;
    }

    public ManagedChannel channel() {
        return channel;
    }

    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel);
    }

    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }
}
