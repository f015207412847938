package io.peapod.runtime.network;

import java.nio.file.Path;
import java.util.List;

/**
 * What a network plugin needs to attach one pod: its sandbox id and Kubernetes
 * metadata, the pinned network namespace, and the runtime options (hostPorts,
 * bandwidth, DNS) that plugins receive when they declare the capability.
 *
 * @param bandwidth {@code null} for no shaping
 * @param dns {@code null} for none
 */
public record PodNetworkRequest(String sandboxId, String podName, String podNamespace, String podUid,
        Path netns, List<PortMapping> portMappings, Bandwidth bandwidth, DnsConfig dns) {

    /** The interface name inside the pod, as the kubelet uses. */
    public static final String INTERFACE_NAME = "eth0";

    public PodNetworkRequest {
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
    }

    public static PodNetworkRequest of(String sandboxId, String podName, String podNamespace, String podUid,
            Path netns) {
        return new PodNetworkRequest(sandboxId, podName, podNamespace, podUid, netns, List.of(), null, null);
    }
}
