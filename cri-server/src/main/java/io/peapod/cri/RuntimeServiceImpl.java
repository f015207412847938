package io.peapod.cri;

import io.grpc.stub.StreamObserver;
import io.peapod.cri.v1.*;
import java.util.Objects;

/**
 * RuntimeService: only dispatches. Version is answered by {@link GetVersion}; every other RPC
 * goes to the handler of its group. Whatever a handler throws is mapped to a status by
 * {@link StatusMappingInterceptor}, which {@link CriServer} installs in front of this service.
 */
public final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    private final GetVersion version;
    private final PodSandboxHandler sandboxes;
    private final ContainerHandler containers;
    private final StreamingHandler streaming;
    private final StatsHandler stats;
    private final RuntimeStatusHandler runtimeStatus;
    private final ContainerEventsHandler events;

    /** One argument per group of RPCs; pass {@link UnwiredHandlers#INSTANCE} for a group not built yet. */
    public RuntimeServiceImpl(GetVersion version, PodSandboxHandler sandboxes, ContainerHandler containers,
            StreamingHandler streaming, StatsHandler stats, RuntimeStatusHandler runtimeStatus,
            ContainerEventsHandler events) {
        this.version = Objects.requireNonNull(version, "version");
        this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.streaming = Objects.requireNonNull(streaming, "streaming");
        this.stats = Objects.requireNonNull(stats, "stats");
        this.runtimeStatus = Objects.requireNonNull(runtimeStatus, "runtimeStatus");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Answers Version; every other RPC is UNIMPLEMENTED with a sentence naming it. */
    public static RuntimeServiceImpl versionOnly(GetVersion version) {
        UnwiredHandlers unwired = UnwiredHandlers.INSTANCE;
        return new RuntimeServiceImpl(version, unwired, unwired, unwired, unwired, unwired, unwired);
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
        Replies.reply(observer, version.version(request));
    }

    // PodSandboxHandler

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> observer) {
        Replies.reply(observer, sandboxes.runPodSandbox(request));
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> observer) {
        Replies.reply(observer, sandboxes.stopPodSandbox(request));
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> observer) {
        Replies.reply(observer, sandboxes.removePodSandbox(request));
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> observer) {
        Replies.reply(observer, sandboxes.podSandboxStatus(request));
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> observer) {
        Replies.reply(observer, sandboxes.listPodSandbox(request));
    }

    // ContainerHandler

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> observer) {
        Replies.reply(observer, containers.createContainer(request));
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> observer) {
        Replies.reply(observer, containers.startContainer(request));
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> observer) {
        Replies.reply(observer, containers.stopContainer(request));
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> observer) {
        Replies.reply(observer, containers.removeContainer(request));
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> observer) {
        Replies.reply(observer, containers.listContainers(request));
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> observer) {
        Replies.reply(observer, containers.containerStatus(request));
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request, StreamObserver<UpdateContainerResourcesResponse> observer) {
        Replies.reply(observer, containers.updateContainerResources(request));
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> observer) {
        Replies.reply(observer, containers.reopenContainerLog(request));
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> observer) {
        Replies.reply(observer, containers.execSync(request));
    }

    @Override
    public void checkpointContainer(CheckpointContainerRequest request, StreamObserver<CheckpointContainerResponse> observer) {
        Replies.reply(observer, containers.checkpointContainer(request));
    }

    // StreamingHandler

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> observer) {
        Replies.reply(observer, streaming.exec(request));
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> observer) {
        Replies.reply(observer, streaming.attach(request));
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> observer) {
        Replies.reply(observer, streaming.portForward(request));
    }

    // StatsHandler

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> observer) {
        Replies.reply(observer, stats.containerStats(request));
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> observer) {
        Replies.reply(observer, stats.listContainerStats(request));
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> observer) {
        Replies.reply(observer, stats.podSandboxStats(request));
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request, StreamObserver<ListPodSandboxStatsResponse> observer) {
        Replies.reply(observer, stats.listPodSandboxStats(request));
    }

    @Override
    public void listMetricDescriptors(ListMetricDescriptorsRequest request, StreamObserver<ListMetricDescriptorsResponse> observer) {
        Replies.reply(observer, stats.listMetricDescriptors(request));
    }

    @Override
    public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request, StreamObserver<ListPodSandboxMetricsResponse> observer) {
        Replies.reply(observer, stats.listPodSandboxMetrics(request));
    }

    // RuntimeStatusHandler

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        Replies.reply(observer, runtimeStatus.status(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> observer) {
        Replies.reply(observer, runtimeStatus.runtimeConfig(request));
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> observer) {
        Replies.reply(observer, runtimeStatus.updateRuntimeConfig(request));
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> observer) {
        events.getContainerEvents(request, observer);
    }
}
