package io.peapod.runtime.pod;

import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.container.ContainerIds;
import io.peapod.runtime.container.ResourcesToCgroup;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.errors.AlreadyExistsException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.network.NamespaceType;
import io.peapod.runtime.network.PinnedNamespaces;
import io.peapod.runtime.network.PodNetworkRequest;
import io.peapod.runtime.network.PodNetworkStatus;
import io.peapod.runtime.network.Sysctls;
import io.peapod.runtime.pod.files.EtcHosts;
import io.peapod.runtime.pod.files.PodFiles;
import io.peapod.runtime.pod.files.ResolvConf;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.util.Undo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RunPodSandbox: pod cgroup, pinned namespaces, sysctls and hostname, network, the
 * pod's /etc files, then the infra container. Each step registers its undo, so a
 * failure leaves no cgroup, pin, network attachment, process or directory behind.
 */
final class RunPodSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(RunPodSandbox.class);
    private static final Object CREATE_LOCK = new Object();

    private final PodContext ctx;

    RunPodSandbox(PodContext ctx) {
        this.ctx = ctx;
    }

    SandboxRecord execute(SandboxConfig config) {
        validate(config);
        String id = ContainerIds.random();
        try (Undo undo = new Undo()) {
            Path dir;
            synchronized (CREATE_LOCK) {
                refuseDuplicate(config);
                dir = ctx.records().reserve(id);
                // an early record makes the name taken while the pod is being built
                ctx.records().save(id, new SandboxRecord(id, config, SandboxState.NOTREADY, Instant.now().toString(),
                        null, null, null, null, null, null));
            }
            undo.push(() -> ctx.records().remove(id));
            synchronized (ctx.lock(id)) {
                SandboxRecord record = build(id, dir, config, undo);
                undo.commit();
                LOG.info("pod sandbox {} ({}/{}) ready", id, config.namespace(), config.name());
                return record;
            }
        }
    }

    private SandboxRecord build(String id, Path dir, SandboxConfig config, Undo undo) {
        String cgroupParent = config.cgroupParent() == null || config.cgroupParent().isEmpty()
                ? ctx.defaultCgroupParent() + "/pod-" + id.substring(0, 12) : strip(config.cgroupParent());
        CgroupManager podCgroup = ctx.cgroup(cgroupParent);
        boolean existed = podCgroup.exists();
        try {
            podCgroup.create(ResourcesToCgroup.translate(config.resources()));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("pod sandbox " + config.name() + ": resources: " + e.getMessage());
        }
        if (!existed) {
            undo.push(podCgroup::destroy);
        }

        Set<NamespaceType> own = EnumSet.noneOf(NamespaceType.class);
        if (config.network() != NamespaceMode.NODE) {
            own.add(NamespaceType.NET);
            own.add(NamespaceType.UTS);
        }
        if (config.ipc() != NamespaceMode.NODE) {
            own.add(NamespaceType.IPC);
        }
        PinnedNamespaces pins = ctx.pinner().pinPod(id, own);
        undo.push(() -> ctx.pinner().unpinPod(pins));
        if (!config.sysctls().isEmpty()) {
            ctx.pinner().applySysctls(config.sysctls(), pins);
        }
        if (pins.uts() != null) {
            ctx.pinner().setHostname(pins.uts(), config.effectiveHostname());
        }

        PodNetworkStatus network = null;
        PodNetworkRequest request = null;
        if (pins.net() != null) {
            request = new PodNetworkRequest(id, config.name(), config.namespace(), config.uid(), pins.net(),
                    config.portMappings(), null, config.dns());
            PodNetworkRequest teardown = request;
            network = ctx.network().setUp(request);
            undo.push(() -> ctx.network().tearDown(teardown));
        }

        writeFiles(dir, config, network);
        if (pins.ipc() != null) {
            PodShm.mount(dir);
            undo.push(() -> PodShm.unmount(dir));
        }

        SandboxRecord record = new SandboxRecord(id, config, SandboxState.NOTREADY, Instant.now().toString(),
                str(pins.net()), str(pins.ipc()), str(pins.uts()), cgroupParent, id, network);
        Path rootfs = dir.resolve("infra-rootfs");
        try {
            Files.createDirectories(rootfs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + rootfs, e);
        }
        Spec infra = InfraSpec.build(id, record, rootfs, ctx.helperBinary(), cgroupParent + "/" + id);
        // the infra process writes nothing and its exit code means nothing: it needs no monitor,
        // which halves a pod's memory; its liveness is read from /proc like runc's containers'
        // created and started by one helper run: nothing needs to happen in between
        ctx.containers().create(id, infra, dir, CreateOptions.detached().withoutMonitor().startingNow());
        undo.push(() -> ctx.containers().delete(id, true));
        SandboxRecord ready = record.withState(SandboxState.READY);
        ctx.records().save(id, ready);
        return ready;
    }

    private static void writeFiles(Path dir, SandboxConfig config, PodNetworkStatus network) {
        PodFiles files = new PodFiles(dir, false);
        files.writeHostname(config.effectiveHostname());
        List<String> ips = new ArrayList<>();
        if (network != null) {
            network.ips().forEach(ip -> ips.add(ip.ip()));
        }
        String fqdn = config.subdomain() == null || config.subdomain().isEmpty() ? null
                : EtcHosts.kubernetesFqdn(config.effectiveHostname(), config.subdomain(), config.namespace(),
                "cluster.local");
        files.writeHosts(new EtcHosts(config.effectiveHostname(), fqdn, ips, config.hostAliases()));
        files.writeResolvConf(config.dns() != null && !config.dns().isEmpty() ? config.dns()
                : ResolvConf.fromHost(Path.of("/etc/resolv.conf")));
    }

    private static String str(Path p) {
        return p == null ? null : p.toString();
    }

    private static String strip(String cgroupPath) {
        String p = cgroupPath;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p;
    }

    private static void validate(SandboxConfig config) {
        if (config.name() == null || config.name().isEmpty()) {
            throw new InvalidArgumentException("pod sandbox metadata: name is empty");
        }
        if (config.namespace() == null || config.namespace().isEmpty()) {
            throw new InvalidArgumentException("pod sandbox " + config.name() + ": metadata namespace is empty");
        }
        if (config.uid() == null || config.uid().isEmpty()) {
            throw new InvalidArgumentException("pod sandbox " + config.name() + ": metadata uid is empty");
        }
        if (config.network() == NamespaceMode.CONTAINER) {
            throw new InvalidArgumentException("pod sandbox " + config.name()
                    + ": network namespace mode CONTAINER is not valid for a pod (POD or NODE)");
        }
        if (config.ipc() == NamespaceMode.CONTAINER) {
            throw new InvalidArgumentException("pod sandbox " + config.name()
                    + ": IPC namespace mode CONTAINER is not valid for a pod (POD or NODE)");
        }
        for (var e : config.sysctls().entrySet()) {
            NamespaceType type = Sysctls.namespaceOf(e.getKey());
            Sysctls.validateValue(e.getKey(), e.getValue());
            if (type == NamespaceType.NET && config.network() == NamespaceMode.NODE
                    || type == NamespaceType.IPC && config.ipc() == NamespaceMode.NODE) {
                throw new InvalidArgumentException("pod sandbox " + config.name() + ": sysctl " + e.getKey()
                        + " would change the host: the pod uses the host's " + type.name().toLowerCase()
                        + " namespace");
            }
        }
    }

    private void refuseDuplicate(SandboxConfig config) {
        for (String other : ctx.records().ids()) {
            ctx.records().load(other).ifPresent(r -> {
                SandboxConfig c = r.config();
                if (c.name().equals(config.name()) && c.namespace().equals(config.namespace())
                        && c.uid().equals(config.uid()) && c.attempt() == config.attempt()) {
                    throw new AlreadyExistsException("pod sandbox " + config.namespace() + "/" + config.name()
                            + " (uid " + config.uid() + ", attempt " + config.attempt() + ") exists already as "
                            + r.id());
                }
            });
        }
    }
}
