package io.peapod.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.peapod.cri.v1.ImageFsInfoRequest;
import io.peapod.cri.v1.ListPodSandboxRequest;
import io.peapod.cri.v1.ListPodSandboxResponse;
import io.peapod.cri.v1.PodSandboxStatusRequest;
import io.peapod.cri.v1.PodSandboxStatusResponse;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RemovePodSandboxResponse;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxResponse;
import io.peapod.cri.v1.RuntimeServiceGrpc;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.cri.v1.StopPodSandboxResponse;
import io.peapod.cri.v1.VersionRequest;
import io.peapod.cri.v1.VersionResponse;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server on a real Unix socket with a real grpc-netty (epoll) client, as a kubelet connects. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CriServerTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private final List<CriServer> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(s -> s.shutdown(Duration.ZERO));
    }

    @Test
    void versionOverTheUnixSocket() {
        Path socket = dir.resolve("peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(GetVersion.fromBuild()));

        VersionResponse v = stub(socket).version(VersionRequest.newBuilder().setVersion("v1").build());

        assertEquals("0.1.0", v.getVersion());
        assertEquals("peapod", v.getRuntimeName());
        assertEquals(BuildInfo.version(), v.getRuntimeVersion());
        assertEquals("v1", v.getRuntimeApiVersion());
    }

    @Test
    void criClientTalksToTheServer() {
        Path socket = dir.resolve("peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("2.3.4")));
        try (CriClient client = CriClient.connect(socket)) {
            assertEquals("2.3.4", client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeVersion());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        }
    }

    @Test
    void criClientWithoutServerIsUnavailable() {
        try (CriClient client = CriClient.connect(dir.resolve("nobody.sock"))) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> client.runtime().withDeadlineAfter(10, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        }
    }

    @Test
    void socketIsOwnerAndGroupOnly() throws IOException {
        Path socket = dir.resolve("peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));
        assertEquals(CriServer.SOCKET_MODE, Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS));
        assertEquals(0140660, (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void missingSocketDirectoryIsCreated() {
        Path socket = dir.resolve("run/peapod/peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));
        assertEquals("peapod", stub(socket).version(VersionRequest.getDefaultInstance()).getRuntimeName());
    }

    @Test
    void staleSocketIsReplaced() throws IOException {
        Path socket = dir.resolve("peapod.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "closing a bound socket leaves its file");

        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));

        assertEquals("peapod", stub(socket).version(VersionRequest.getDefaultInstance()).getRuntimeName());
    }

    @Test
    void liveSocketIsNotTakenOver() throws IOException {
        Path socket = dir.resolve("peapod.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            CriServer server = new CriServer(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")),
                    ImageServiceImpl.unwired());
            IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
            assertEquals("another server is already listening on CRI socket " + socket, e.getMessage());
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the live socket must stay");
        }
    }

    @Test
    void nonSocketPathIsRefused() throws IOException {
        Path socket = dir.resolve("peapod.sock");
        Files.writeString(socket, "not a socket");
        CriServer server = new CriServer(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")),
                ImageServiceImpl.unwired());
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        assertTrue(e.getMessage().contains(socket + " exists and is not a socket"), e.getMessage());
        assertEquals("not a socket", Files.readString(socket));
    }

    @Test
    void badSocketPathsAreRejected() {
        RuntimeServiceImpl runtime = RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0"));
        ImageServiceImpl images = ImageServiceImpl.unwired();
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> new CriServer(Path.of("run/peapod.sock"), runtime, images));
        assertEquals("CRI socket path must be absolute: run/peapod.sock", relative.getMessage());
        Path tooLong = dir.resolve("x".repeat(120) + ".sock");
        IllegalArgumentException longPath = assertThrows(IllegalArgumentException.class,
                () -> new CriServer(tooLong, runtime, images));
        assertTrue(longPath.getMessage().contains("longer than the 107 a Unix socket address holds"), longPath.getMessage());
    }

    @Test
    void messagesUpToSixteenMibAreAcceptedAndLargerOnesRefused() {
        Path socket = dir.resolve("peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));
        RuntimeServiceGrpc.RuntimeServiceBlockingStub stub = stub(socket);

        // above grpc's 4 MiB default, within the kubelet's 16 MiB
        assertEquals("peapod", stub.version(VersionRequest.newBuilder().setVersion("x".repeat(15 * MIB)).build())
                .getRuntimeName());

        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.version(VersionRequest.newBuilder().setVersion("x".repeat(16 * MIB)).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    }

    @Test
    void unwiredRpcAnswersUnimplementedOverTheSocket() {
        Path socket = dir.resolve("peapod.sock");
        start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(socket).runPodSandbox(RunPodSandboxRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertEquals("RunPodSandbox is not implemented yet: this peapod CRI server has no pod sandbox engine wired in",
                e.getStatus().getDescription());
    }

    @Test
    void shutdownLetsCallsInFlightFinishAndRefusesNewOnes() throws Exception {
        Path socket = dir.resolve("peapod.sock");
        BlockingSandboxes sandboxes = new BlockingSandboxes();
        CriServer server = start(socket, withSandboxes(sandboxes));
        try {
            ListenableFuture<RunPodSandboxResponse> inFlight = RuntimeServiceGrpc.newFutureStub(channel(socket))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .runPodSandbox(RunPodSandboxRequest.getDefaultInstance());
            assertTrue(sandboxes.entered.await(10, TimeUnit.SECONDS), "the call never reached the handler");

            CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(20)));

            StatusRuntimeException refused = awaitRefusal(socket);
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
            assertFalse(inFlight.isDone(), "the call in flight must not be cut");
            assertFalse(shutdown.isDone(), "shutdown must wait for the call in flight");

            sandboxes.release.countDown();
            assertEquals("sandbox-1", inFlight.get(10, TimeUnit.SECONDS).getPodSandboxId());
            assertTrue(shutdown.get(10, TimeUnit.SECONDS), "shutdown should report a clean stop");
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS), "the socket file must be removed");
        } finally {
            sandboxes.release.countDown();
        }
    }

    @Test
    void shutdownCancelsCallsThatOutliveTheGracePeriod() throws Exception {
        Path socket = dir.resolve("peapod.sock");
        BlockingSandboxes sandboxes = new BlockingSandboxes();
        CriServer server = start(socket, withSandboxes(sandboxes));
        try {
            ListenableFuture<RunPodSandboxResponse> inFlight = RuntimeServiceGrpc.newFutureStub(channel(socket))
                    .withDeadlineAfter(30, TimeUnit.SECONDS)
                    .runPodSandbox(RunPodSandboxRequest.getDefaultInstance());
            assertTrue(sandboxes.entered.await(10, TimeUnit.SECONDS), "the call never reached the handler");

            long begin = System.nanoTime();
            assertFalse(server.shutdown(Duration.ofMillis(300)), "shutdown must report the cancelled call");
            assertTrue(System.nanoTime() - begin < TimeUnit.SECONDS.toNanos(8), "shutdown did not bound its wait");

            ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
            Status.Code code = Status.fromThrowable(e.getCause()).getCode();
            assertTrue(Set.of(Status.Code.CANCELLED, Status.Code.UNAVAILABLE).contains(code), "got " + code);
        } finally {
            sandboxes.release.countDown();
        }
    }

    @Test
    void startTwiceIsAnError() {
        Path socket = dir.resolve("peapod.sock");
        CriServer server = start(socket, RuntimeServiceImpl.versionOnly(new GetVersion("1.0.0")));
        IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
        assertTrue(e.getMessage().contains("already started"), e.getMessage());
    }

    private StatusRuntimeException awaitRefusal(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                stub(socket).version(VersionRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                return e;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the server kept accepting new calls after shutdown began");
    }

    private static RuntimeServiceImpl withSandboxes(PodSandboxHandler sandboxes) {
        UnwiredHandlers u = UnwiredHandlers.INSTANCE;
        return new RuntimeServiceImpl(new GetVersion("1.0.0"), sandboxes, u, u, u, u, u);
    }

    private CriServer start(Path socket, RuntimeServiceImpl runtime) {
        CriServer server = new CriServer(socket, runtime, ImageServiceImpl.unwired());
        servers.add(server);
        server.start();
        return server;
    }

    private ManagedChannel channel(Path socket) {
        ManagedChannel channel = Grpc.newChannelBuilder("unix://" + socket, InsecureChannelCredentials.create()).build();
        channels.add(channel);
        return channel;
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub(Path socket) {
        return RuntimeServiceGrpc.newBlockingStub(channel(socket)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** RunPodSandbox waits until the test releases it. */
    private static final class BlockingSandboxes implements PodSandboxHandler {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while blocked", e);
            }
            return RunPodSandboxResponse.newBuilder().setPodSandboxId("sandbox-1").build();
        }

        @Override
        public StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
            throw new UnsupportedOperationException("StopPodSandbox is not scripted");
        }

        @Override
        public RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
            throw new UnsupportedOperationException("RemovePodSandbox is not scripted");
        }

        @Override
        public PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
            throw new UnsupportedOperationException("PodSandboxStatus is not scripted");
        }

        @Override
        public ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
            throw new UnsupportedOperationException("ListPodSandbox is not scripted");
        }
    }
}
