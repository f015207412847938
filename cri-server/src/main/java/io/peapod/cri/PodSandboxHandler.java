package io.peapod.cri;

import io.peapod.cri.v1.ListPodSandboxRequest;
import io.peapod.cri.v1.ListPodSandboxResponse;
import io.peapod.cri.v1.PodSandboxStatusRequest;
import io.peapod.cri.v1.PodSandboxStatusResponse;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RemovePodSandboxResponse;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxResponse;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.cri.v1.StopPodSandboxResponse;

/**
 * The pod sandbox RPCs. Implementations answer synchronously and signal failure by throwing the
 * runtime's error kinds; {@link StatusMapping} turns those into status codes.
 */
public interface PodSandboxHandler {
    RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request);

    StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request);

    RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request);

    PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request);

    ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request);
}
