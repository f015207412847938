package io.peapod.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.peapod.cri.StatusMappingTest.AlreadyExistsException;
import io.peapod.cri.StatusMappingTest.FailedPreconditionException;
import io.peapod.cri.StatusMappingTest.InvalidArgumentException;
import io.peapod.cri.StatusMappingTest.NotFoundException;
import io.peapod.cri.v1.ContainerEventResponse;
import io.peapod.cri.v1.GetEventsRequest;
import io.peapod.cri.v1.ImageServiceGrpc;
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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The services and the status mapping, in process: what a kubelet would see, minus the socket. */
class ServiceDispatchTest {
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void versionIsAnswered() {
        ManagedChannel channel = serve(new RuntimeServiceImpl(new GetVersion("1.2.3"), UnwiredHandlers.INSTANCE,
                UnwiredHandlers.INSTANCE, UnwiredHandlers.INSTANCE, UnwiredHandlers.INSTANCE,
                UnwiredHandlers.INSTANCE, UnwiredHandlers.INSTANCE), ImageServiceImpl.unwired());
        VersionResponse v = RuntimeServiceGrpc.newBlockingStub(channel).version(VersionRequest.newBuilder().setVersion("v1").build());
        assertEquals("0.1.0", v.getVersion());
        assertEquals("peapod", v.getRuntimeName());
        assertEquals("1.2.3", v.getRuntimeVersion());
        assertEquals("v1", v.getRuntimeApiVersion());
    }

    @Test
    void versionFromBuildIsTheProjectVersion() {
        String version = GetVersion.fromBuild().version(VersionRequest.getDefaultInstance()).getRuntimeVersion();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?"), "not semver: " + version);
    }

    @Test
    void everyUnwiredRpcIsUnimplementedNamingIt() throws Exception {
        ManagedChannel channel = serve(RuntimeServiceImpl.versionOnly(new GetVersion("1.2.3")), ImageServiceImpl.unwired());
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>(RuntimeServiceGrpc.getServiceDescriptor().getMethods());
        methods.addAll(ImageServiceGrpc.getServiceDescriptor().getMethods());
        int checked = 0;
        for (MethodDescriptor<?, ?> method : methods) {
            if (method.getBareMethodName().equals("Version")) {
                continue;
            }
            StatusRuntimeException e = callWithEmptyRequest(channel, method);
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), method.getFullMethodName());
            String description = e.getStatus().getDescription();
            assertTrue(description.startsWith(method.getBareMethodName() + " is not "),
                    method.getFullMethodName() + ": " + description);
            checked++;
        }
        assertEquals(28 + 5, checked);
    }

    @Test
    void dispatchesToTheGroupHandler() {
        ScriptedSandboxes sandboxes = new ScriptedSandboxes(
                () -> RunPodSandboxResponse.newBuilder().setPodSandboxId("abc123").build());
        ManagedChannel channel = serveSandboxes(sandboxes);
        RunPodSandboxResponse r = RuntimeServiceGrpc.newBlockingStub(channel).runPodSandbox(RunPodSandboxRequest.getDefaultInstance());
        assertEquals("abc123", r.getPodSandboxId());
    }

    @Test
    void thrownErrorKindsBecomeTheirCodes() {
        assertRunFails(Status.Code.NOT_FOUND, "pod sandbox 9f not found", new NotFoundException("pod sandbox 9f not found"));
        assertRunFails(Status.Code.ALREADY_EXISTS, "pod web_default_u1_0 already exists",
                new AlreadyExistsException("pod web_default_u1_0 already exists"));
        assertRunFails(Status.Code.INVALID_ARGUMENT, "pod metadata is missing",
                new InvalidArgumentException("pod metadata is missing"));
        assertRunFails(Status.Code.FAILED_PRECONDITION, "pod 9f is stopping",
                new FailedPreconditionException("pod 9f is stopping"));
        assertRunFails(Status.Code.UNIMPLEMENTED, "runtime handler kata is not supported",
                new UnsupportedOperationException("runtime handler kata is not supported"));
        assertRunFails(Status.Code.INTERNAL, "cgroup write failed", new IllegalStateException("cgroup write failed"));
        assertRunFails(Status.Code.DEADLINE_EXCEEDED, "too slow",
                Status.DEADLINE_EXCEEDED.withDescription("too slow").asRuntimeException());
    }

    @Test
    void internalFailuresAreLoggedWithTheirStackTrace() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertRunFails(Status.Code.INTERNAL, "overlay mount failed", new IllegalStateException("overlay mount failed"));
            assertRunFails(Status.Code.NOT_FOUND, "pod 77 not found", new NotFoundException("pod 77 not found"));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("runtime.v1.RuntimeService/RunPodSandbox failed: overlay mount failed"), log);
        assertTrue(log.contains("java.lang.IllegalStateException: overlay mount failed"), log);
        assertTrue(log.contains("\tat io.peapod.cri."), log);
        assertTrue(!log.contains("pod 77 not found"), "caller errors are not logged at INFO and above: " + log);
    }

    @Test
    void nullResponseIsInternal() {
        assertRunFails(Status.Code.INTERNAL, "the handler returned no response", null);
    }

    @Test
    void streamedErrorsAreMappedToo() {
        ContainerEventsHandler failing = (request, events) -> events.onError(new NotFoundException("no event source"));
        ManagedChannel channel = serve(eventsService(failing), ImageServiceImpl.unwired());
        Iterator<ContainerEventResponse> it = RuntimeServiceGrpc.newBlockingStub(channel)
                .getContainerEvents(GetEventsRequest.getDefaultInstance());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertEquals("no event source", e.getStatus().getDescription());
    }

    @Test
    void eventsAreStreamed() {
        ContainerEventsHandler twoEvents = (request, events) -> {
            events.onNext(ContainerEventResponse.newBuilder().setContainerId("a").build());
            events.onNext(ContainerEventResponse.newBuilder().setContainerId("b").build());
            events.onCompleted();
        };
        ManagedChannel channel = serve(eventsService(twoEvents), ImageServiceImpl.unwired());
        List<String> ids = new ArrayList<>();
        RuntimeServiceGrpc.newBlockingStub(channel).getContainerEvents(GetEventsRequest.getDefaultInstance())
                .forEachRemaining(e -> ids.add(e.getContainerId()));
        assertEquals(List.of("a", "b"), ids);
    }

    private void assertRunFails(Status.Code code, String description, RuntimeException thrown) {
        ManagedChannel channel = serveSandboxes(new ScriptedSandboxes(() -> {
            if (thrown != null) {
                throw thrown;
            }
            return null;
        }));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> RuntimeServiceGrpc.newBlockingStub(channel).runPodSandbox(RunPodSandboxRequest.getDefaultInstance()));
        assertEquals(code, e.getStatus().getCode());
        assertEquals(description, e.getStatus().getDescription());
    }

    private static RuntimeServiceImpl eventsService(ContainerEventsHandler events) {
        UnwiredHandlers u = UnwiredHandlers.INSTANCE;
        return new RuntimeServiceImpl(new GetVersion("1.2.3"), u, u, u, u, u, events);
    }

    private ManagedChannel serveSandboxes(PodSandboxHandler sandboxes) {
        UnwiredHandlers u = UnwiredHandlers.INSTANCE;
        return serve(new RuntimeServiceImpl(new GetVersion("1.2.3"), sandboxes, u, u, u, u, u), ImageServiceImpl.unwired());
    }

    private ManagedChannel serve(RuntimeServiceImpl runtime, ImageServiceImpl images) {
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        CriServer.services(runtime, images).forEach(builder::addService);
        try {
            servers.add(builder.build().start());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        channels.add(channel);
        return channel;
    }

    private static <Q, R> StatusRuntimeException callWithEmptyRequest(ManagedChannel channel, MethodDescriptor<Q, R> method) {
        Q request = method.parseRequest(new ByteArrayInputStream(new byte[0]));
        if (method.getType() == MethodDescriptor.MethodType.UNARY) {
            return assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(channel, method, CallOptions.DEFAULT, request));
        }
        Iterator<R> responses = ClientCalls.blockingServerStreamingCall(channel, method, CallOptions.DEFAULT, request);
        return assertThrows(StatusRuntimeException.class, responses::hasNext);
    }

    /** RunPodSandbox does what the test says; the other sandbox RPCs are not used here. */
    private static final class ScriptedSandboxes implements PodSandboxHandler {
        private final Supplier<RunPodSandboxResponse> run;

        ScriptedSandboxes(Supplier<RunPodSandboxResponse> run) {
            this.run = run;
        }

        @Override
        public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
            return run.get();
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
