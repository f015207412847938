package io.peapod.cli.container;

import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.CniConfigDir;
import io.peapod.runtime.network.PodNetworkStatus;
import io.peapod.runtime.pod.NamespaceMode;
import io.peapod.runtime.pod.PodAnnotations;
import io.peapod.runtime.pod.SandboxConfig;
import io.peapod.runtime.pod.SandboxRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pod sandbox {@code peapod run --network cni} makes for one container: its own network
 * namespace on the CNI network pods get, with IPC and UTS namespaces, /etc/hosts, resolv.conf
 * and hostname, held by an infra container that {@code ps} does not show. The container joins
 * it as a pod member; the sandbox lives exactly as long as the container: {@code rm} (and
 * {@code run --rm}) remove both.
 */
final class ImplicitSandbox {
    /** Sandbox annotation: the id of the one container the sandbox was made for. */
    static final String FOR_CONTAINER = "io.peapod.cli.sandbox-for";
    /** The namespace of these sandboxes, as CRI clients and CNI plugins see it. */
    static final String NAMESPACE = "peapod-run";

    private ImplicitSandbox() {
    }

    /**
     * Creates the sandbox of container {@code containerId}, named and hostnamed {@code hostname}.
     *
     * @throws FailedPreconditionException when the CNI config directory has no network: the
     *                                     container would silently get loopback only
     */
    static SandboxRecord create(Engine engine, String containerId, String hostname) {
        Path confDir = engine.config().cni().confDir();
        if (CniConfigDir.defaultNetwork(confDir).isEmpty()) {
            throw new FailedPreconditionException("--network cni: no CNI network configuration (.conflist, .conf, "
                    + ".json) in " + confDir + "; add one or run with --network none or host");
        }
        SandboxConfig config = new SandboxConfig(hostname, NAMESPACE, containerId, 0, hostname, null, Map.of(),
                Map.of(FOR_CONTAINER, containerId), null, null, null, null, null, NamespaceMode.POD,
                NamespaceMode.CONTAINER, NamespaceMode.POD, null, null);
        return engine.pods().run(config);
    }

    /**
     * What {@code inspect} shows of such a container's network, docker's NetworkSettings in brief.
     *
     * @param network   the CNI network's name
     * @param ipAddress the primary address (IPv4 first), without its prefix length
     * @param addresses every address with its prefix length
     */
    record Network(String sandboxId, String netns, String network, String ipAddress, String gateway,
                   List<String> addresses) {
        static Network of(SandboxRecord sandbox) {
            PodNetworkStatus status = sandbox.network();
            if (status == null) {
                return new Network(sandbox.id(), sandbox.netns(), null, null, null, List.of());
            }
            var primary = status.primaryIp();
            return new Network(sandbox.id(), sandbox.netns(), status.network(),
                    primary.map(PodNetworkStatus.PodIp::ip).orElse(null),
                    primary.map(PodNetworkStatus.PodIp::gateway).orElse(null),
                    status.ips().stream().map(PodNetworkStatus.PodIp::address).toList());
        }
    }

    /** The implicit sandbox {@code c} runs in; empty for a container on its own or in a real pod. */
    static Optional<SandboxRecord> of(Engine engine, ContainerRecord c) {
        String sandboxId = c.annotations() == null ? null : c.annotations().get(PodAnnotations.SANDBOX_ID);
        if (sandboxId == null) {
            return Optional.empty();
        }
        try {
            SandboxRecord pod = engine.pods().status(sandboxId);
            return c.id().equals(pod.config().annotations().get(FOR_CONTAINER)) ? Optional.of(pod) : Optional.empty();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}
