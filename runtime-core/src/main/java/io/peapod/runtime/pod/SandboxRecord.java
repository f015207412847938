package io.peapod.runtime.pod;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peapod.runtime.network.PodNetworkStatus;

/**
 * What peapod remembers about one sandbox ({@code sandbox.json} in its directory).
 *
 * @param netns          pinned network namespace, null for host network
 * @param ipcns          pinned IPC namespace, null for host IPC
 * @param utsns          pinned UTS namespace, null for the host's
 * @param cgroupParent   the pod cgroup the pod's containers nest under
 * @param infraId        the infra (pause) container's id
 * @param network        what the network plugin reported, null before set-up or with host network
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxRecord(String id, SandboxConfig config, SandboxState state, String createdAt,
                            String netns, String ipcns, String utsns, String cgroupParent, String infraId,
                            PodNetworkStatus network) {

    public SandboxRecord withState(SandboxState newState) {
        return new SandboxRecord(id, config, newState, createdAt, netns, ipcns, utsns, cgroupParent, infraId,
                network);
    }

    public SandboxRecord withNamespacesReleased() {
        return new SandboxRecord(id, config, state, createdAt, null, null, null, cgroupParent, infraId, network);
    }
}
