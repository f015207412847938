package io.peapod.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code peapod pod status} shows, in the kubelet's terms.
 *
 * @param phase      Pending, Running, Succeeded or Failed
 * @param reason     why a pod failed (e.g. DeadlineExceeded, InitContainerFailed), may be null
 * @param supervised true while a runner watches the pod (probes, restarts)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodStatus(String name, String namespace, String sandboxId, String phase, String reason,
                        String podIP, String startTime, boolean supervised, List<Condition> conditions,
                        List<ContainerState> initContainerStatuses, List<ContainerState> containerStatuses) {

    public record Condition(String type, boolean status, String lastTransitionTime) {
    }

    /**
     * One container's state.
     *
     * @param state    waiting, running or terminated
     * @param reason   e.g. CrashLoopBackOff, Completed, Error, PodInitializing
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ContainerState(String name, String image, String containerId, String state, String reason,
                                 Integer exitCode, String startedAt, String finishedAt, boolean ready,
                                 int restartCount) {
    }

    public boolean ready() {
        return conditions.stream().anyMatch(c -> c.type().equals("Ready") && c.status());
    }

    public PodStatus unsupervised() {
        return new PodStatus(name, namespace, sandboxId, phase, reason, podIP, startTime, false, conditions,
                initContainerStatuses, containerStatuses);
    }
}
