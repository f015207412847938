package io.peapod.cri.service;

import io.peapod.cri.PodSandboxHandler;
import io.peapod.cri.v1.DNSConfig;
import io.peapod.cri.v1.ListPodSandboxRequest;
import io.peapod.cri.v1.ListPodSandboxResponse;
import io.peapod.cri.v1.LinuxPodSandboxConfig;
import io.peapod.cri.v1.LinuxPodSandboxStatus;
import io.peapod.cri.v1.Namespace;
import io.peapod.cri.v1.NamespaceOption;
import io.peapod.cri.v1.PodIP;
import io.peapod.cri.v1.PodSandbox;
import io.peapod.cri.v1.PodSandboxConfig;
import io.peapod.cri.v1.PodSandboxFilter;
import io.peapod.cri.v1.PodSandboxMetadata;
import io.peapod.cri.v1.PodSandboxNetworkStatus;
import io.peapod.cri.v1.PodSandboxState;
import io.peapod.cri.v1.PodSandboxStatus;
import io.peapod.cri.v1.PodSandboxStatusRequest;
import io.peapod.cri.v1.PodSandboxStatusResponse;
import io.peapod.cri.v1.RemovePodSandboxRequest;
import io.peapod.cri.v1.RemovePodSandboxResponse;
import io.peapod.cri.v1.RunPodSandboxRequest;
import io.peapod.cri.v1.RunPodSandboxResponse;
import io.peapod.cri.v1.StopPodSandboxRequest;
import io.peapod.cri.v1.StopPodSandboxResponse;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.DnsConfig;
import io.peapod.runtime.network.PodNetworkStatus;
import io.peapod.runtime.network.PortMapping;
import io.peapod.runtime.pod.NamespaceMode;
import io.peapod.runtime.pod.SandboxConfig;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.SandboxState;
import io.peapod.runtime.spec.LinuxResources;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The CRI's pod sandbox calls over the engine's {@code SandboxRuntime}. */
public final class CriPodSandboxes implements PodSandboxHandler {
    /** How long StopPodSandbox gives containers that are still running (the kubelet stops them first). */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Engine engine;
    private final CriEvents events;
    private final Function<io.peapod.cri.v1.LinuxContainerResources, LinuxResources> resources;

    /**
     * @param resources translates CRI container resources into OCI ones (pod overhead and limits)
     */
    public CriPodSandboxes(Engine engine, CriEvents events,
                           Function<io.peapod.cri.v1.LinuxContainerResources, LinuxResources> resources) {
        this.engine = engine;
        this.events = events;
        this.resources = resources;
    }

    @Override
    public RunPodSandboxResponse runPodSandbox(RunPodSandboxRequest request) {
        if (!request.getRuntimeHandler().isEmpty() && !request.getRuntimeHandler().equals(CriRuntimeStatus.HANDLER)) {
            throw new InvalidArgumentException("runtime handler \"" + request.getRuntimeHandler()
                    + "\" is unknown: peapod has \"" + CriRuntimeStatus.HANDLER + "\"");
        }
        if (!request.hasConfig() || !request.getConfig().hasMetadata()) {
            throw new InvalidArgumentException("RunPodSandbox: config.metadata is required");
        }
        SandboxRecord r = engine.pods().run(toConfig(request.getConfig()));
        events.sandboxChanged(r.id());
        return RunPodSandboxResponse.newBuilder().setPodSandboxId(r.id()).build();
    }

    SandboxConfig toConfig(PodSandboxConfig c) {
        PodSandboxMetadata m = c.getMetadata();
        LinuxPodSandboxConfig linux = c.getLinux();
        NamespaceOption ns = linux.getSecurityContext().getNamespaceOptions();
        DnsConfig dns = null;
        if (c.hasDnsConfig()) {
            DNSConfig d = c.getDnsConfig();
            dns = new DnsConfig(d.getServersList(), d.getSearchesList(), d.getOptionsList());
        }
        List<PortMapping> ports = new ArrayList<>();
        for (io.peapod.cri.v1.PortMapping p : c.getPortMappingsList()) {
            if (p.getHostPort() > 0) {
                ports.add(new PortMapping(p.getHostPort(), p.getContainerPort(),
                        p.getProtocol().name().toLowerCase(Locale.ROOT), p.getHostIp()));
            }
        }
        LinuxResources limits = null;
        if (linux.hasResources()) {
            limits = resources.apply(linux.getResources());
        } else if (linux.hasOverhead()) {
            limits = resources.apply(linux.getOverhead());
        }
        return new SandboxConfig(m.getName(), m.getNamespace(), m.getUid(), m.getAttempt(), c.getHostname(), null,
                c.getLabelsMap(), c.getAnnotationsMap(), emptyToNull(c.getLogDirectory()), dns, ports, null,
                emptyToNull(linux.getCgroupParent()), mode(ns.getNetwork(), "network"), mode(ns.getPid(), "pid"),
                mode(ns.getIpc(), "ipc"), linux.getSysctlsMap(), limits);
    }

    private static NamespaceMode mode(io.peapod.cri.v1.NamespaceMode m, String what) {
        switch (m) {
            case POD:
                return NamespaceMode.POD;
            case CONTAINER:
                return NamespaceMode.CONTAINER;
            case NODE:
                return NamespaceMode.NODE;
            default:
                throw new InvalidArgumentException("namespace_options." + what + ": mode " + m
                        + " is not supported for a pod sandbox");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public StopPodSandboxResponse stopPodSandbox(StopPodSandboxRequest request) {
        String id = resolveOrNull(request.getPodSandboxId());
        if (id != null) {
            engine.pods().stop(id, STOP_GRACE);
            events.sandboxChanged(id);
        }
        return StopPodSandboxResponse.getDefaultInstance();
    }

    @Override
    public RemovePodSandboxResponse removePodSandbox(RemovePodSandboxRequest request) {
        String id = resolveOrNull(request.getPodSandboxId());
        if (id != null) {
            for (var c : engine.pods().containersOf(id)) {
                engine.removeContainer(c.id(), true);
                events.containerDeleted(c.id(), id);
            }
            engine.pods().remove(id);
        }
        return RemovePodSandboxResponse.getDefaultInstance();
    }

    /** Stop and remove are idempotent in the CRI: an unknown id is not an error there. */
    private String resolveOrNull(String id) {
        if (id.isEmpty()) {
            throw new InvalidArgumentException("pod_sandbox_id is empty");
        }
        try {
            return engine.pods().resolveId(id);
        } catch (NotFoundException e) {
            return null;
        }
    }

    @Override
    public PodSandboxStatusResponse podSandboxStatus(PodSandboxStatusRequest request) {
        SandboxRecord r = engine.pods().status(engine.pods().resolveId(request.getPodSandboxId()));
        PodSandboxStatus.Builder s = PodSandboxStatus.newBuilder()
                .setId(r.id())
                .setMetadata(metadata(r.config()))
                .setState(state(r.state()))
                .setCreatedAt(nanos(r.createdAt()))
                .putAllLabels(r.config().labels())
                .putAllAnnotations(r.config().annotations())
                .setRuntimeHandler(CriRuntimeStatus.HANDLER)
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(NamespaceOption.newBuilder()
                                .setNetwork(criMode(r.config().network()))
                                .setPid(criMode(r.config().pid()))
                                .setIpc(criMode(r.config().ipc())))));
        PodSandboxNetworkStatus.Builder net = PodSandboxNetworkStatus.newBuilder();
        PodNetworkStatus network = r.network();
        if (network != null && !network.ips().isEmpty()) {
            String primary = network.primaryIp().map(PodNetworkStatus.PodIp::ip).orElse("");
            net.setIp(primary);
            for (PodNetworkStatus.PodIp ip : network.ips()) {
                if (!ip.ip().equals(primary)) {
                    net.addAdditionalIps(PodIP.newBuilder().setIp(ip.ip()));
                }
            }
        }
        s.setNetwork(net);
        PodSandboxStatusResponse.Builder out = PodSandboxStatusResponse.newBuilder().setStatus(s)
                .setTimestamp(System.currentTimeMillis() * 1_000_000L);
        if (request.getVerbose()) {
            out.putInfo("info", CriJson.toJson(Map.of(
                    "netns", String.valueOf(r.netns()), "cgroupParent", String.valueOf(r.cgroupParent()),
                    "infraContainer", String.valueOf(r.infraId()),
                    "network", network == null ? "host" : network.network(),
                    "loopbackOnly", network != null && network.loopbackOnly())));
        }
        return out.build();
    }

    @Override
    public ListPodSandboxResponse listPodSandbox(ListPodSandboxRequest request) {
        PodSandboxFilter f = request.getFilter();
        ListPodSandboxResponse.Builder out = ListPodSandboxResponse.newBuilder();
        for (SandboxRecord r : engine.pods().list()) {
            if (!f.getId().isEmpty() && !r.id().startsWith(f.getId())) {
                continue;
            }
            if (f.hasState() && f.getState().getState() != state(r.state())) {
                continue;
            }
            if (!CriLabels.matches(r.config().labels(), f.getLabelSelectorMap())) {
                continue;
            }
            out.addItems(PodSandbox.newBuilder().setId(r.id()).setMetadata(metadata(r.config()))
                    .setState(state(r.state())).setCreatedAt(nanos(r.createdAt()))
                    .putAllLabels(r.config().labels()).putAllAnnotations(r.config().annotations())
                    .setRuntimeHandler(CriRuntimeStatus.HANDLER));
        }
        return out.build();
    }

    static PodSandboxMetadata metadata(SandboxConfig c) {
        return PodSandboxMetadata.newBuilder().setName(c.name()).setNamespace(c.namespace()).setUid(c.uid())
                .setAttempt(c.attempt()).build();
    }

    static PodSandboxState state(SandboxState s) {
        return s == SandboxState.READY ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    private static io.peapod.cri.v1.NamespaceMode criMode(NamespaceMode m) {
        return io.peapod.cri.v1.NamespaceMode.valueOf(m.name());
    }

    static long nanos(String rfc3339) {
        if (rfc3339 == null) {
            return 0;
        }
        Instant i = Instant.parse(rfc3339);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
