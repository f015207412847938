package io.peapod.cri;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CRI gRPC server on a Unix domain socket, over Netty's epoll transport.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #shutdown(Duration)} (directly, from
 * {@link #close()}, or from the hook {@link #installShutdownHook(Duration)} registers for SIGTERM).
 * A stale socket file left by a crashed daemon is replaced; a socket on which another server still
 * answers is not.
 */
public final class CriServer implements AutoCloseable {
    /** The kubelet's own limit for CRI messages. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    public static final Path DEFAULT_SOCKET = Path.of("/run/peapod/peapod.sock");
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
    /** Owner and group may connect; put the kubelet's group on the directory or file to admit it. */
    public static final Set<PosixFilePermission> SOCKET_MODE = PosixFilePermissions.fromString("rw-rw----");

    private static final Logger log = LoggerFactory.getLogger(CriServer.class);
    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(5);

    private enum State { NEW, SERVING, STOPPED }

    private final Path socket;
    private final RuntimeServiceImpl runtime;
    private final ImageServiceImpl images;

    private State state = State.NEW;
    private Server server;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Object socketFileKey;

    public CriServer(Path socket, RuntimeServiceImpl runtime, ImageServiceImpl images) {
        this.socket = checkSocketPath(socket);
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.images = Objects.requireNonNull(images, "images");
    }

    public Path socket() {
        return socket;
    }

    /**
     * Binds the socket and starts serving. Fails with {@link IllegalStateException} if another
     * server answers on the socket, if the path exists and is not a socket, or if epoll is missing.
     */
    public synchronized void start() {
        if (state != State.NEW) {
            throw new IllegalStateException("CRI server on " + socket + " was already started (state " + state + ")");
        }
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("the CRI server needs Netty's native epoll transport, which did not load",
                    Epoll.unavailabilityCause());
        }
        try {
            Files.createDirectories(socket.getParent());
            removeStaleSocket(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare CRI socket " + socket + ": " + e.getMessage(), e);
        }
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("peapod-cri-accept", true),
                EpollIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("peapod-cri-io", true),
                EpollIoHandler.newFactory());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(bossGroup)
                .workerEventLoopGroup(workerGroup)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                // grpc-netty asks for TCP keep-alive on every connection; a null value removes the
                // option, which a Unix socket does not have (Netty would warn once per connection).
                .withChildOption(ChannelOption.SO_KEEPALIVE, null);
        services(runtime, images).forEach(builder::addService);
        server = builder.build();
        try {
            server.start();
            Files.setPosixFilePermissions(socket, SOCKET_MODE);
            socketFileKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            stopEventLoops();
            state = State.STOPPED;
            throw new IllegalStateException("cannot serve CRI on " + socket + ": " + e.getMessage(), e);
        }
        state = State.SERVING;
        log.info("CRI server listening on unix://{}", socket);
    }

    /**
     * Stops accepting calls, lets the calls in flight finish for at most {@code grace}, then cancels
     * what is left, stops the event loops and removes the socket file. Idempotent.
     *
     * @return true if every call in flight finished within {@code grace}
     */
    public synchronized boolean shutdown(Duration grace) {
        if (state != State.SERVING) {
            state = State.STOPPED;
            return true;
        }
        state = State.STOPPED;
        log.info("CRI server on {} shutting down; calls in flight get {} ms", socket, grace.toMillis());
        server.shutdown();
        boolean clean = false;
        try {
            clean = server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (!clean) {
                log.warn("CRI server not stopped after {} ms; cancelling the calls still running", grace.toMillis());
                server.shutdownNow();
                server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        stopEventLoops();
        removeOwnSocket();
        log.info("CRI server on {} stopped", socket);
        return clean;
    }

    /** Blocks until the server has stopped (after a shutdown from another thread or the hook). */
    public void awaitTermination() throws InterruptedException {
        Server s;
        synchronized (this) {
            s = server;
        }
        if (s == null) {
            throw new IllegalStateException("CRI server on " + socket + " was never started");
        }
        s.awaitTermination();
    }

    /** Registers a JVM shutdown hook (run on SIGTERM and SIGINT) that calls {@link #shutdown(Duration)}. */
    public Thread installShutdownHook(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        Thread hook = new Thread(() -> shutdown(grace), "peapod-cri-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    @Override
    public void close() {
        shutdown(DEFAULT_GRACE);
    }

    /** The two services with the status mapping in front, as every transport must serve them. */
    static List<ServerServiceDefinition> services(RuntimeServiceImpl runtime, ImageServiceImpl images) {
        StatusMappingInterceptor statusMapping = new StatusMappingInterceptor();
        return List.of(ServerInterceptors.intercept(runtime, statusMapping),
                ServerInterceptors.intercept(images, statusMapping));
    }

    private void stopEventLoops() {
        for (EventLoopGroup group : new EventLoopGroup[] {bossGroup, workerGroup}) {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(FORCED_STOP_WAIT.toMillis());
            }
        }
    }

    /** Removes the socket file only if it is still the one this server bound. */
    private void removeOwnSocket() {
        try {
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (Objects.equals(key, socketFileKey)) {
                    Files.delete(socket);
                }
            }
        } catch (IOException e) {
            log.warn("cannot remove CRI socket {}: {}", socket, e.getMessage());
        }
    }

    /** Deletes a socket file nobody listens on; refuses a live socket or a non-socket. */
    static void removeStaleSocket(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IllegalStateException("CRI socket path " + path + " exists and is not a socket; remove it or choose another path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            log.info("removing stale CRI socket {} (nobody listens on it)", path);
            Files.delete(path);
            return;
        }
        throw new IllegalStateException("another server is already listening on CRI socket " + path);
    }

    private static Path checkSocketPath(Path socket) {
        Objects.requireNonNull(socket, "socket");
        if (!socket.isAbsolute()) {
            throw new IllegalArgumentException("CRI socket path must be absolute: " + socket);
        }
        if (socket.getFileName() == null || socket.getParent() == null) {
            throw new IllegalArgumentException("CRI socket path must name a file in a directory: " + socket);
        }
        int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("CRI socket path is " + bytes + " bytes, longer than the "
                    + MAX_SOCKET_PATH_BYTES + " a Unix socket address holds: " + socket);
        }
        return socket.normalize();
    }
}
