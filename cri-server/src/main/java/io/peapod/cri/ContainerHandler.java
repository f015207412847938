package io.peapod.cri;

import io.peapod.cri.v1.CheckpointContainerRequest;
import io.peapod.cri.v1.CheckpointContainerResponse;
import io.peapod.cri.v1.ContainerStatusRequest;
import io.peapod.cri.v1.ContainerStatusResponse;
import io.peapod.cri.v1.CreateContainerRequest;
import io.peapod.cri.v1.CreateContainerResponse;
import io.peapod.cri.v1.ExecSyncRequest;
import io.peapod.cri.v1.ExecSyncResponse;
import io.peapod.cri.v1.ListContainersRequest;
import io.peapod.cri.v1.ListContainersResponse;
import io.peapod.cri.v1.RemoveContainerRequest;
import io.peapod.cri.v1.RemoveContainerResponse;
import io.peapod.cri.v1.ReopenContainerLogRequest;
import io.peapod.cri.v1.ReopenContainerLogResponse;
import io.peapod.cri.v1.StartContainerRequest;
import io.peapod.cri.v1.StartContainerResponse;
import io.peapod.cri.v1.StopContainerRequest;
import io.peapod.cri.v1.StopContainerResponse;
import io.peapod.cri.v1.UpdateContainerResourcesRequest;
import io.peapod.cri.v1.UpdateContainerResourcesResponse;

/** The container lifecycle RPCs, ExecSync included; same error contract as {@link PodSandboxHandler}. */
public interface ContainerHandler {
    CreateContainerResponse createContainer(CreateContainerRequest request);

    StartContainerResponse startContainer(StartContainerRequest request);

    StopContainerResponse stopContainer(StopContainerRequest request);

    RemoveContainerResponse removeContainer(RemoveContainerRequest request);

    ListContainersResponse listContainers(ListContainersRequest request);

    ContainerStatusResponse containerStatus(ContainerStatusRequest request);

    UpdateContainerResourcesResponse updateContainerResources(UpdateContainerResourcesRequest request);

    ReopenContainerLogResponse reopenContainerLog(ReopenContainerLogRequest request);

    ExecSyncResponse execSync(ExecSyncRequest request);

    /** peapod has no checkpointing; an implementation should throw UnsupportedOperationException. */
    CheckpointContainerResponse checkpointContainer(CheckpointContainerRequest request);
}
