package io.peapod.kube;

import com.fasterxml.jackson.core.type.TypeReference;
import io.peapod.image.Image;
import io.peapod.image.ProgressListener;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.DnsConfig;
import io.peapod.runtime.network.PortMapping;
import io.peapod.runtime.pod.NamespaceMode;
import io.peapod.runtime.pod.SandboxConfig;
import io.peapod.runtime.pod.SandboxRecord;
import io.peapod.runtime.pod.files.HostAlias;
import io.peapod.sys.LinuxSyscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Kubernetes Pod manifests on one engine: the sandbox, the init containers one at a
 * time, then the app containers in parallel (see {@link RunningPod}). Also finds, reports
 * and removes pods that a runner started earlier, possibly in another process.
 */
public final class PodRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PodRunner.class);
    /** Sandbox label: the pod came from a manifest. */
    public static final String MANIFEST_ANNOTATION = "io.peapod.kube.manifest";

    /**
     * @param backoffBase  first restart delay (the kubelet's 10 s)
     * @param backoffMax   restart delay cap (the kubelet's 5 min)
     * @param pollInterval how often a container's state is checked between probes
     */
    public record Options(Duration backoffBase, Duration backoffMax, Duration pollInterval) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMillis(100));
        }
    }

    private final Engine engine;
    private final Options options;

    public PodRunner(Engine engine, Options options) {
        this.engine = engine;
        this.options = options;
    }

    /** The directory of a pod's logs, status file and volumes. */
    public static Path podDir(Engine engine, String sandboxId) {
        return engine.config().root().resolve("kube").resolve(sandboxId);
    }

    /**
     * Starts {@code m}: images resolved per imagePullPolicy first (nothing is created when one
     * is missing), then the sandbox and volumes; returns once the pod's lifecycle thread runs.
     */
    public RunningPod run(Manifest m) {
        if (find(m.name(), m.namespace()).isPresent()) {
            throw new AlreadyExistsException("pod " + m.namespace() + "/" + m.name() + " already exists; "
                    + "remove it first (peapod pod rm " + m.name() + ")");
        }
        Map<String, Image> images = new LinkedHashMap<>();
        Kube.PodSpec spec = m.pod().spec;
        List<Kube.Container> all = new ArrayList<>(spec.initContainers == null ? List.of() : spec.initContainers);
        all.addAll(spec.containers);
        for (Kube.Container c : all) {
            images.computeIfAbsent(c.image, x -> resolveImage(c));
        }
        SandboxConfig config = sandboxConfig(m);
        SandboxRecord sandbox = engine.pods().run(config);
        Path dir = podDir(engine, sandbox.id());
        PodVolumes volumes = null;
        boolean done = false;
        try {
            String podIp = sandbox.network() == null ? "" : sandbox.network().primaryIp()
                    .map(io.peapod.runtime.network.PodNetworkStatus.PodIp::ip).orElse("");
            FieldValues fields = new FieldValues(m.pod(), config.uid(), podIp, nodeName());
            volumes = PodVolumes.prepare(m, dir.resolve("volumes"), fields);
            Files.writeString(dir.resolve("manifest.source"), m.source());
            Long grace = spec.terminationGracePeriodSeconds;
            Files.writeString(dir.resolve("grace-seconds"), Long.toString(grace == null ? 30 : grace));
            RunningPod pod = new RunningPod(engine, m, options, sandbox, dir, volumes, fields, images);
            pod.begin();
            done = true;
            LOG.info("pod {}/{} started as sandbox {}", m.namespace(), m.name(), sandbox.id());
            return pod;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + dir + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                removeEverything(engine, sandbox.id(), List.of(), volumes, dir);
            }
        }
    }

    private Image resolveImage(Kube.Container c) {
        String policy = c.imagePullPolicy;
        if (policy == null) {
            String last = c.image.substring(c.image.lastIndexOf('/') + 1);
            policy = c.image.contains("@") ? "IfNotPresent"
                    : !last.contains(":") || last.endsWith(":latest") ? "Always" : "IfNotPresent";
        }
        Optional<Image> local = engine.images().find(c.image);
        if (policy.equals("Never")) {
            return local.orElseThrow(() -> new InvalidArgumentException("container " + c.name + ": image "
                    + c.image + " is not present and its imagePullPolicy is Never (peapod image import/pull it)"));
        }
        if (policy.equals("IfNotPresent") && local.isPresent()) {
            return local.get();
        }
        try {
            return engine.images().pull(c.image, ProgressListener.NONE);
        } catch (RuntimeException e) {
            throw new InvalidArgumentException("container " + c.name + ": cannot pull image " + c.image
                    + " (imagePullPolicy " + policy + "): " + e.getMessage());
        }
    }

    private static SandboxConfig sandboxConfig(Manifest m) {
        Kube.Pod pod = m.pod();
        Kube.PodSpec s = pod.spec;
        String policy = s.dnsPolicy == null ? "ClusterFirst" : s.dnsPolicy;
        DnsConfig dns = null;
        if (policy.equals("None")) {
            dns = new DnsConfig(orEmpty(s.dnsConfig.nameservers), orEmpty(s.dnsConfig.searches),
                    s.dnsConfig.options == null ? List.of() : s.dnsConfig.options.stream()
                            .map(o -> o.value == null ? o.name : o.name + ":" + o.value).toList());
        } else if (s.dnsConfig != null) {
            throw new InvalidArgumentException("pod " + m.name() + ": spec.dnsConfig with dnsPolicy " + policy
                    + " is not supported; use dnsPolicy: None with a complete dnsConfig");
        } else if (policy.startsWith("ClusterFirst")) {
            LOG.warn("pod {}: dnsPolicy {} without cluster DNS: the host's resolver is used", m.name(), policy);
        }
        List<PortMapping> ports = new ArrayList<>();
        for (Kube.Container c : s.containers) {
            for (Kube.ContainerPort p : c.ports == null ? List.<Kube.ContainerPort>of() : c.ports) {
                if (p.hostPort != null && !Boolean.TRUE.equals(s.hostNetwork)) {
                    ports.add(new PortMapping(p.hostPort, p.containerPort,
                            p.protocol == null ? "TCP" : p.protocol, p.hostIP));
                }
            }
        }
        List<HostAlias> aliases = s.hostAliases == null ? List.of()
                : s.hostAliases.stream().map(a -> new HostAlias(a.ip, orEmpty(a.hostnames))).toList();
        Map<String, String> sysctls = new LinkedHashMap<>();
        if (s.securityContext != null && s.securityContext.sysctls != null) {
            s.securityContext.sysctls.forEach(x -> sysctls.put(x.name, x.value));
        }
        Map<String, String> annotations = new LinkedHashMap<>(
                pod.metadata.annotations == null ? Map.of() : pod.metadata.annotations);
        annotations.put(MANIFEST_ANNOTATION, m.source());
        String uid = pod.metadata.uid != null ? pod.metadata.uid : UUID.randomUUID().toString();
        NamespaceMode pid = Boolean.TRUE.equals(s.hostPID) ? NamespaceMode.NODE
                : Boolean.TRUE.equals(s.shareProcessNamespace) ? NamespaceMode.POD : NamespaceMode.CONTAINER;
        return new SandboxConfig(m.name(), m.namespace(), uid, 0, s.hostname, s.subdomain, pod.metadata.labels,
                annotations, null, dns, ports, aliases, null,
                Boolean.TRUE.equals(s.hostNetwork) ? NamespaceMode.NODE : NamespaceMode.POD, pid,
                Boolean.TRUE.equals(s.hostIPC) ? NamespaceMode.NODE : NamespaceMode.POD, sysctls, null);
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static String nodeName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "localhost";
        }
    }

    // ---- pods started earlier

    /** Sandboxes that came from manifests. */
    public List<SandboxRecord> list() {
        return engine.pods().list().stream()
                .filter(r -> r.config().annotations().containsKey(MANIFEST_ANNOTATION)).toList();
    }

    public Optional<SandboxRecord> find(String name, String namespace) {
        return list().stream().filter(r -> r.config().name().equals(name)
                && r.config().namespace().equals(namespace)).findFirst();
    }

    /** A manifest pod by name (in any namespace, if unique) or by sandbox id prefix. */
    public SandboxRecord lookup(String nameOrId) {
        List<SandboxRecord> byName = list().stream().filter(r -> r.config().name().equals(nameOrId)).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        if (byName.size() > 1) {
            throw new InvalidArgumentException("pod name " + nameOrId + " is in several namespaces; use its id");
        }
        List<SandboxRecord> byId = list().stream().filter(r -> r.id().startsWith(nameOrId)).toList();
        if (byId.size() != 1 || nameOrId.isEmpty()) {
            throw new NotFoundException("pod " + nameOrId + " does not exist");
        }
        return byId.get(0);
    }

    /**
     * The last status a runner wrote; when no runner supervises the pod any more, container
     * states are brought up to date from the runtime.
     */
    public PodStatus status(String nameOrId) {
        SandboxRecord r = lookup(nameOrId);
        Path file = podDir(engine, r.id()).resolve("status.json");
        PodStatus s;
        try {
            s = RunningPod.JSON.readValue(file.toFile(), new TypeReference<PodStatus>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status of pod " + nameOrId + " (" + file + "): "
                    + e.getMessage(), e);
        }
        if (s.supervised()) {
            return s;
        }
        return refreshed(s);
    }

    private PodStatus refreshed(PodStatus s) {
        List<PodStatus.ContainerState> apps = new ArrayList<>();
        boolean allDone = true;
        boolean allOk = true;
        for (PodStatus.ContainerState c : s.containerStatuses()) {
            PodStatus.ContainerState now = c;
            if (c.containerId() != null && c.state().equals("running")) {
                try {
                    var rec = engine.containers().state(c.containerId());
                    if (rec.exitCode() != null) {
                        now = new PodStatus.ContainerState(c.name(), c.image(), c.containerId(), "terminated",
                                rec.exitCode() == 0 ? "Completed" : "Error", rec.exitCode(), c.startedAt(),
                                rec.finished(), false, c.restartCount());
                    }
                } catch (NotFoundException e) {
                    now = new PodStatus.ContainerState(c.name(), c.image(), c.containerId(), "terminated",
                            "ContainerGone", null, c.startedAt(), null, false, c.restartCount());
                }
            }
            allDone &= now.state().equals("terminated");
            allOk &= now.exitCode() != null && now.exitCode() == 0;
            apps.add(now);
        }
        String phase = s.phase().equals("Running") && allDone ? (allOk ? "Succeeded" : "Failed") : s.phase();
        boolean ready = s.ready() && apps.stream().allMatch(PodStatus.ContainerState::ready);
        List<PodStatus.Condition> conds = s.conditions().stream().map(c -> c.type().equals("Initialized") ? c
                : new PodStatus.Condition(c.type(), ready, c.lastTransitionTime())).toList();
        return new PodStatus(s.name(), s.namespace(), s.sandboxId(), phase, s.reason(), s.podIP(), s.startTime(),
                false, conds, s.initContainerStatuses(), apps);
    }

    /**
     * Stops (SIGTERM, grace, SIGKILL) and removes a pod no runner in this process supervises;
     * a null {@code grace} is the pod's terminationGracePeriodSeconds. (Its preStop hooks
     * only run when the runner that supervises it stops it.)
     */
    public void remove(String nameOrId, Duration requested) {
        SandboxRecord r = lookup(nameOrId);
        List<String> ids = stopContainers(r, requested);
        removeEverything(engine, r.id(), ids, null, podDir(engine, r.id()));
    }

    /**
     * Stops a pod no runner in this process supervises, as {@link #remove} does, but keeps it:
     * its sandbox is stopped, and its containers, logs and status stay until it is removed.
     */
    public void stop(String nameOrId, Duration requested) {
        SandboxRecord r = lookup(nameOrId);
        stopContainers(r, requested);
        engine.pods().stop(r.id(), Duration.ZERO);
    }

    /** Stops every container of the pod in parallel; returns their ids. */
    private List<String> stopContainers(SandboxRecord r, Duration requested) {
        Duration grace = requested;
        if (grace == null) {
            try {
                grace = Duration.ofSeconds(Long.parseLong(Files.readString(podDir(engine, r.id())
                        .resolve("grace-seconds")).trim()));
            } catch (IOException | NumberFormatException e) {
                grace = Duration.ofSeconds(30);
            }
        }
        Duration g = grace;
        List<String> ids = engine.pods().containersOf(r.id()).stream().map(c -> c.id()).toList();
        List<Thread> ts = new ArrayList<>();
        for (String id : ids) {
            Thread t = new Thread(() -> engine.containers().stop(id, g));
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ids;
    }

    static void removeEverything(Engine engine, String sandboxId, Collection<String> containerIds,
                                 PodVolumes volumes, Path dir) {
        Set<String> ids = new LinkedHashSet<>(containerIds);
        try {
            engine.pods().containersOf(sandboxId).forEach(c -> ids.add(c.id()));
        } catch (NotFoundException e) {
            // sandbox already gone
        }
        for (String id : ids) {
            try {
                engine.removeContainer(id, true);
            } catch (NotFoundException e) {
                // already gone
            }
        }
        try {
            engine.pods().stop(sandboxId, Duration.ZERO);
        } catch (NotFoundException e) {
            // already gone
        }
        engine.pods().remove(sandboxId);
        if (volumes != null) {
            volumes.close();
        }
        unmountUnder(dir);
        PodVolumes.removeTree(dir);
    }

    /** Unmounts whatever is still mounted below {@code dir} (a volume tmpfs of a pod run by another process). */
    private static void unmountUnder(Path dir) {
        List<String> points = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String point = line.split(" ")[4].replace("\\040", " ");
                if (Path.of(point).startsWith(dir)) {
                    points.add(point);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
        points.sort(Comparator.comparingInt(String::length).reversed());
        for (String p : points) {
            LinuxSyscalls.get().umount2(p, 2);
        }
    }
}
