package io.peapod.cri.service;

import io.peapod.cri.StatsHandler;
import io.peapod.cri.v1.ContainerAttributes;
import io.peapod.cri.v1.ContainerStats;
import io.peapod.cri.v1.ContainerStatsFilter;
import io.peapod.cri.v1.ContainerStatsRequest;
import io.peapod.cri.v1.ContainerStatsResponse;
import io.peapod.cri.v1.CpuUsage;
import io.peapod.cri.v1.FilesystemIdentifier;
import io.peapod.cri.v1.FilesystemUsage;
import io.peapod.cri.v1.LinuxPodSandboxStats;
import io.peapod.cri.v1.ListContainerStatsRequest;
import io.peapod.cri.v1.ListContainerStatsResponse;
import io.peapod.cri.v1.ListMetricDescriptorsRequest;
import io.peapod.cri.v1.ListMetricDescriptorsResponse;
import io.peapod.cri.v1.ListPodSandboxMetricsRequest;
import io.peapod.cri.v1.ListPodSandboxMetricsResponse;
import io.peapod.cri.v1.ListPodSandboxStatsRequest;
import io.peapod.cri.v1.ListPodSandboxStatsResponse;
import io.peapod.cri.v1.MemoryUsage;
import io.peapod.cri.v1.NetworkInterfaceUsage;
import io.peapod.cri.v1.NetworkUsage;
import io.peapod.cri.v1.PodSandboxAttributes;
import io.peapod.cri.v1.PodSandboxStats;
import io.peapod.cri.v1.PodSandboxStatsRequest;
import io.peapod.cri.v1.PodSandboxStatsResponse;
import io.peapod.cri.v1.ProcessUsage;
import io.peapod.cri.v1.SwapUsage;
import io.peapod.cri.v1.UInt64Value;
import io.peapod.image.snapshot.DiskUsage;
import io.peapod.runtime.Engine;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.SandboxState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Container and pod stats from cgroups: CPU with nano-cores over the interval since the
 * previous sample, memory working set, RSS and page faults, the writable layer's usage,
 * and for pods the network counters of the pod's interfaces (read in its namespace
 * through the infra process's /proc).
 */
public final class CriStats implements StatsHandler {
    private final Engine engine;
    private final CriContainers containers;
    private final ConcurrentHashMap<String, long[]> lastCpu = new ConcurrentHashMap<>();

    public CriStats(Engine engine, CriContainers containers) {
        this.engine = engine;
        this.containers = containers;
    }

    @Override
    public ContainerStatsResponse containerStats(ContainerStatsRequest request) {
        String id = containers.resolve(request.getContainerId());
        return ContainerStatsResponse.newBuilder().setStats(containerStats(engine.containers().state(id))).build();
    }

    @Override
    public ListContainerStatsResponse listContainerStats(ListContainerStatsRequest request) {
        ContainerStatsFilter f = request.getFilter();
        ListContainerStatsResponse.Builder out = ListContainerStatsResponse.newBuilder();
        for (ContainerRecord r : engine.containers().list()) {
            Optional<CriContainerMeta> m = CriContainerMeta.read(containers.dir(r.id()));
            if (m.isEmpty() || r.status() == ContainerStatus.STOPPED) {
                continue;
            }
            if (!f.getId().isEmpty() && !r.id().startsWith(f.getId())
                    || !f.getPodSandboxId().isEmpty() && !m.get().sandboxId().startsWith(f.getPodSandboxId())
                    || !CriLabels.matches(m.get().labels(), f.getLabelSelectorMap())) {
                continue;
            }
            out.addStats(containerStats(r));
        }
        return out.build();
    }

    ContainerStats containerStats(ContainerRecord r) {
        long now = System.currentTimeMillis() * 1_000_000L;
        ContainerAttributes.Builder attrs = ContainerAttributes.newBuilder().setId(r.id());
        CriContainerMeta.read(containers.dir(r.id())).ifPresent(m -> attrs
                .setMetadata(CriContainerStatuses.metadata(m)).putAllLabels(m.labels())
                .putAllAnnotations(m.annotations()));
        ContainerStats.Builder b = ContainerStats.newBuilder().setAttributes(attrs);
        CgroupStats s = stats(r.cgroupPath());
        if (s != null) {
            b.setCpu(cpu(r.id(), s, now)).setMemory(memory(s, now))
                    .setSwap(SwapUsage.newBuilder().setTimestamp(now).setSwapUsageBytes(u64(s.swapUsage())));
        }
        DiskUsage layer = engine.images().snapshotter().activeUsage(r.id());
        b.setWritableLayer(FilesystemUsage.newBuilder().setTimestamp(now)
                .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(engine.config().root().toString()))
                .setUsedBytes(u64(layer.bytes())).setInodesUsed(u64(layer.inodes())));
        return b.build();
    }

    private CgroupStats stats(String cgroupPath) {
        if (cgroupPath == null) {
            return null;
        }
        CgroupManager cg = engine.containers().context().cgroups().apply(cgroupPath);
        return cg.exists() ? cg.stats() : null;
    }

    private CpuUsage cpu(String key, CgroupStats s, long now) {
        long[] previous = lastCpu.put(key, new long[] {now, s.cpuUsageNanos()});
        CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(now).setUsageCoreNanoSeconds(u64(s.cpuUsageNanos()));
        if (previous != null && now > previous[0] && s.cpuUsageNanos() >= previous[1]) {
            long nanoCores = (s.cpuUsageNanos() - previous[1]) * 1_000_000_000L / (now - previous[0]);
            cpu.setUsageNanoCores(u64(nanoCores));
        }
        return cpu.build();
    }

    private static MemoryUsage memory(CgroupStats s, long now) {
        MemoryUsage.Builder m = MemoryUsage.newBuilder().setTimestamp(now).setWorkingSetBytes(u64(s.memoryWorkingSet()))
                .setUsageBytes(u64(s.memoryUsage())).setRssBytes(u64(s.memoryRss()))
                .setPageFaults(u64(s.pageFaults())).setMajorPageFaults(u64(s.majorPageFaults()));
        if (s.memoryLimit() > 0 && s.memoryLimit() < Long.MAX_VALUE / 2) {
            m.setAvailableBytes(u64(Math.max(0, s.memoryLimit() - s.memoryWorkingSet())));
        }
        return m.build();
    }

    private static UInt64Value u64(long v) {
        return UInt64Value.newBuilder().setValue(v).build();
    }

    @Override
    public PodSandboxStatsResponse podSandboxStats(PodSandboxStatsRequest request) {
        String id = engine.pods().resolveId(request.getPodSandboxId());
        return PodSandboxStatsResponse.newBuilder().setStats(podStats(engine.pods().status(id))).build();
    }

    @Override
    public ListPodSandboxStatsResponse listPodSandboxStats(ListPodSandboxStatsRequest request) {
        ListPodSandboxStatsResponse.Builder out = ListPodSandboxStatsResponse.newBuilder();
        for (SandboxRecord r : engine.pods().list()) {
            if (r.state() != SandboxState.READY
                    || !request.getFilter().getId().isEmpty() && !r.id().startsWith(request.getFilter().getId())
                    || !CriLabels.matches(r.config().labels(), request.getFilter().getLabelSelectorMap())) {
                continue;
            }
            out.addStats(podStats(r));
        }
        return out.build();
    }

    private PodSandboxStats podStats(SandboxRecord pod) {
        long now = System.currentTimeMillis() * 1_000_000L;
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        CgroupStats s = stats(pod.cgroupParent());
        if (s != null) {
            linux.setCpu(cpu("pod:" + pod.id(), s, now)).setMemory(memory(s, now))
                    .setProcess(ProcessUsage.newBuilder().setTimestamp(now).setProcessCount(u64(s.pidsCurrent())));
        }
        for (ContainerRecord c : engine.pods().containersOf(pod.id())) {
            if (c.status() != ContainerStatus.STOPPED && CriContainerMeta.read(containers.dir(c.id())).isPresent()) {
                linux.addContainers(containerStats(c));
            }
        }
        if (pod.netns() != null && pod.infraId() != null) {
            linux.setNetwork(network(engine.containers().state(pod.infraId()).pid(), now));
        }
        return PodSandboxStats.newBuilder().setAttributes(PodSandboxAttributes.newBuilder().setId(pod.id())
                .setMetadata(CriPodSandboxes.metadata(pod.config())).putAllLabels(pod.config().labels())
                .putAllAnnotations(pod.config().annotations())).setLinux(linux).build();
    }

    /** The pod's interfaces as /proc/PID/net/dev of its infra process shows them. */
    static NetworkUsage network(int infraPid, long now) {
        NetworkUsage.Builder n = NetworkUsage.newBuilder().setTimestamp(now);
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc", Integer.toString(infraPid), "net", "dev"));
        } catch (IOException e) {
            return n.build();
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (f.length < 16 || name.equals("lo")) {
                continue;
            }
            NetworkInterfaceUsage iface = NetworkInterfaceUsage.newBuilder().setName(name)
                    .setRxBytes(u64(Long.parseLong(f[0]))).setRxErrors(u64(Long.parseLong(f[2])))
                    .setTxBytes(u64(Long.parseLong(f[8]))).setTxErrors(u64(Long.parseLong(f[10]))).build();
            n.addInterfaces(iface);
            if (name.equals("eth0")) {
                n.setDefaultInterface(iface);
            }
        }
        return n.build();
    }

    @Override
    public ListMetricDescriptorsResponse listMetricDescriptors(ListMetricDescriptorsRequest request) {
        // peapod offers no CRI-native metrics beyond the stats calls; an empty list says so
        return ListMetricDescriptorsResponse.getDefaultInstance();
    }

    @Override
    public ListPodSandboxMetricsResponse listPodSandboxMetrics(ListPodSandboxMetricsRequest request) {
        return ListPodSandboxMetricsResponse.getDefaultInstance();
    }
}
