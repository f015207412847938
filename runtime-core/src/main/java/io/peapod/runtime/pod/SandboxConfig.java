package io.peapod.runtime.pod;

import io.peapod.runtime.network.DnsConfig;
import io.peapod.runtime.network.PortMapping;
import io.peapod.runtime.pod.files.HostAlias;
import io.peapod.runtime.spec.LinuxResources;
import java.util.List;
import java.util.Map;

/**
 * What a pod sandbox is asked to be: the runtime's own model, which the CRI server and
 * the pod-manifest runner both translate into.
 *
 * @param name           metadata name
 * @param namespace      metadata namespace
 * @param uid            metadata uid
 * @param attempt        metadata attempt
 * @param hostname       the pod's hostname (defaults to the name)
 * @param subdomain      for the pod's FQDN in /etc/hosts, may be null
 * @param logDirectory   where the pod's container logs go, may be null
 * @param dns            resolver configuration, null for the host's
 * @param cgroupParent   the pod cgroup (as the kubelet passes it), null for one of peapod's
 * @param network        POD (own network namespace) or NODE (host network)
 * @param pid            CONTAINER, POD (shared, infra is PID 1) or NODE
 * @param ipc            POD or NODE
 * @param resources      pod-level limits and overhead for the pod cgroup, may be null
 */
public record SandboxConfig(String name, String namespace, String uid, int attempt, String hostname,
                            String subdomain, Map<String, String> labels, Map<String, String> annotations,
                            String logDirectory, DnsConfig dns, List<PortMapping> portMappings,
                            List<HostAlias> hostAliases, String cgroupParent, NamespaceMode network,
                            NamespaceMode pid, NamespaceMode ipc, Map<String, String> sysctls,
                            LinuxResources resources) {

    public SandboxConfig {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        hostAliases = hostAliases == null ? List.of() : List.copyOf(hostAliases);
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        network = network == null ? NamespaceMode.POD : network;
        pid = pid == null ? NamespaceMode.CONTAINER : pid;
        ipc = ipc == null ? NamespaceMode.POD : ipc;
    }

    /** A pod with defaults for everything but its identity. */
    public static SandboxConfig of(String name, String namespace, String uid) {
        return new SandboxConfig(name, namespace, uid, 0, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    public String effectiveHostname() {
        return hostname == null || hostname.isEmpty() ? name : hostname;
    }

    public SandboxConfig withNamespaces(NamespaceMode newNetwork, NamespaceMode newPid, NamespaceMode newIpc) {
        return new SandboxConfig(name, namespace, uid, attempt, hostname, subdomain, labels, annotations, logDirectory,
                dns, portMappings, hostAliases, cgroupParent, newNetwork, newPid, newIpc, sysctls, resources);
    }

    public SandboxConfig withSysctls(Map<String, String> newSysctls) {
        return new SandboxConfig(name, namespace, uid, attempt, hostname, subdomain, labels, annotations, logDirectory,
                dns, portMappings, hostAliases, cgroupParent, network, pid, ipc, newSysctls, resources);
    }

    public SandboxConfig withCgroupParent(String parent) {
        return new SandboxConfig(name, namespace, uid, attempt, hostname, subdomain, labels, annotations, logDirectory,
                dns, portMappings, hostAliases, parent, network, pid, ipc, sysctls, resources);
    }
}
