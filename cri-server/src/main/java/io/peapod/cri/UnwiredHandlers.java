package io.peapod.cri;

import io.grpc.stub.StreamObserver;
import io.peapod.cri.v1.*;

/**
 * Stands in for every handler group that is not wired to the runtime yet: each RPC throws
 * {@link UnsupportedOperationException} with a sentence naming it, which the interceptor answers
 * as {@code UNIMPLEMENTED}. Replace a group by passing a real handler to the service constructor.
 */
public final class UnwiredHandlers implements PodSandboxHandler, ContainerHandler, StreamingHandler,
        StatsHandler, RuntimeStatusHandler, ContainerEventsHandler, ImageHandler {
    public static final UnwiredHandlers INSTANCE = new UnwiredHandlers();

    private UnwiredHandlers() {}

    private static UnsupportedOperationException unwired(String rpc, String group) {
        return new UnsupportedOperationException(
                rpc + " is not implemented yet: this peapod CRI server has no " + group + " wired in");
    }

    private static UnsupportedOperationException sandboxes(String rpc) {
        return unwired(rpc, "pod sandbox engine");
    }

    private static UnsupportedOperationException containers(String rpc) {
        return unwired(rpc, "container engine");
    }

    private static UnsupportedOperationException stats(String rpc) {
        return unwired(rpc, "stats collector");
    }

    private static UnsupportedOperationException images(String rpc) {
        return unwired(rpc, "image store");
    }

    @Override
    public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
        throw sandboxes("RunPodSandbox");
    }

    @Override
    public StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
        throw sandboxes("StopPodSandbox");
    }

    @Override
    public RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
        throw sandboxes("RemovePodSandbox");
    }

    @Override
    public PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
        throw sandboxes("PodSandboxStatus");
    }

    @Override
    public ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
        throw sandboxes("ListPodSandbox");
    }

    @Override
    public CreateContainerResponse createContainer(CreateContainerRequest request) {
        throw containers("CreateContainer");
    }

    @Override
    public StartContainerResponse startContainer(StartContainerRequest request) {
        throw containers("StartContainer");
    }

    @Override
    public StopContainerResponse stopContainer(StopContainerRequest request) {
        throw containers("StopContainer");
    }

    @Override
    public RemoveContainerResponse removeContainer(RemoveContainerRequest request) {
        throw containers("RemoveContainer");
    }

    @Override
    public ListContainersResponse listContainers(ListContainersRequest request) {
        throw containers("ListContainers");
    }

    @Override
    public ContainerStatusResponse containerStatus(ContainerStatusRequest request) {
        throw containers("ContainerStatus");
    }

    @Override
    public UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest request) {
        throw containers("UpdateContainerResources");
    }

    @Override
    public ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request) {
        throw containers("ReopenContainerLog");
    }

    @Override
    public ExecSyncResponse execSync(ExecSyncRequest request) {
        throw containers("ExecSync");
    }

    @Override
    public CheckpointContainerResponse checkpointContainer(CheckpointContainerRequest request) {
        throw new UnsupportedOperationException(
                "CheckpointContainer is not supported: peapod cannot checkpoint containers");
    }

    @Override
    public ExecResponse exec(ExecRequest request) {
        throw unwired("Exec", "streaming server");
    }

    @Override
    public AttachResponse attach(AttachRequest request) {
        throw unwired("Attach", "streaming server");
    }

    @Override
    public PortForwardResponse portForward(PortForwardRequest request) {
        throw unwired("PortForward", "streaming server");
    }

    @Override
    public ContainerStatsResponse containerStats(ContainerStatsRequest request) {
        throw stats("ContainerStats");
    }

    @Override
    public ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request) {
        throw stats("ListContainerStats");
    }

    @Override
    public PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request) {
        throw stats("PodSandboxStats");
    }

    @Override
    public ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request) {
        throw stats("ListPodSandboxStats");
    }

    @Override
    public ListMetricDescriptorsResponse listMetricDescriptors(ListMetricDescriptorsRequest request) {
        throw stats("ListMetricDescriptors");
    }

    @Override
    public ListPodSandboxMetricsResponse listPodSandboxMetrics(ListPodSandboxMetricsRequest request) {
        throw stats("ListPodSandboxMetrics");
    }

    @Override
    public StatusResponse status(StatusRequest request) {
        throw unwired("Status", "runtime status reporter");
    }

    @Override
    public RuntimeConfigResponse runtimeConfig(RuntimeConfigRequest request) {
        throw unwired("RuntimeConfig", "runtime configuration");
    }

    @Override
    public UpdateRuntimeConfigResponse updateRuntimeConfig(UpdateRuntimeConfigRequest request) {
        throw unwired("UpdateRuntimeConfig", "runtime configuration");
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> events) {
        throw unwired("GetContainerEvents", "container event source");
    }

    @Override
    public ListImagesResponse listImages(ListImagesRequest request) {
        throw images("ListImages");
    }

    @Override
    public ImageStatusResponse imageStatus(ImageStatusRequest request) {
        throw images("ImageStatus");
    }

    @Override
    public PullImageResponse pullImage(PullImageRequest request) {
        throw images("PullImage");
    }

    @Override
    public RemoveImageResponse removeImage(RemoveImageRequest request) {
        throw images("RemoveImage");
    }

    @Override
    public ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request) {
        throw images("ImageFsInfo");
    }
}
