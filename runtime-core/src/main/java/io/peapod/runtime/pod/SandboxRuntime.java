package io.peapod.runtime.pod;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.container.CreateOptions;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;

/**
 * Pod sandboxes: the entry point front ends call. Each verb is its own class; this one
 * dispatches and keeps the small queries.
 */
public final class SandboxRuntime {
    private final PodContext ctx;

    public SandboxRuntime(PodContext ctx) {
        this.ctx = ctx;
    }

    public PodContext context() {
        return ctx;
    }

    public SandboxRecord run(SandboxConfig config) {
        return new RunPodSandbox(ctx).execute(config);
    }

    public SandboxRecord stop(String id, Duration grace) {
        return new StopPodSandbox(ctx).execute(id, grace);
    }

    /** Removes the pod; false when there was no such pod (removal is idempotent). */
    public boolean remove(String id) {
        return new RemovePodSandbox(ctx).execute(id);
    }

    /** The pod's record, NOTREADY if its infra process has died since it was made ready. */
    public SandboxRecord status(String id) {
        return refresh(ctx.load(id));
    }

    public List<SandboxRecord> list() {
        List<SandboxRecord> all = new ArrayList<>();
        for (String id : ctx.records().ids()) {
            ctx.records().load(id).map(this::refresh).ifPresent(all::add);
        }
        return all;
    }

    /** Resolves a unique prefix of a sandbox id, as the CRI allows. */
    public String resolveId(String prefix) {
        List<String> matches = ctx.records().ids().stream().filter(i -> i.startsWith(prefix)).toList();
        if (matches.isEmpty() || prefix.isEmpty()) {
            throw new NotFoundException("pod sandbox " + prefix + " does not exist");
        }
        if (matches.size() > 1) {
            throw new InvalidArgumentException("pod sandbox id prefix " + prefix + " is ambiguous: " + matches);
        }
        return matches.get(0);
    }

    /** The directory holding the pod's generated hosts, resolv.conf and hostname. */
    public Path directoryOf(String id) {
        return ctx.directoryOf(id);
    }

    public List<ContainerRecord> containersOf(String sandboxId) {
        return PodMembers.of(ctx, sandboxId).stream().filter(c -> !c.id().equals(sandboxId)).toList();
    }

    private SandboxRecord refresh(SandboxRecord r) {
        if (r.state() != SandboxState.READY || r.infraId() == null) {
            return r;
        }
        try {
            if (ctx.containers().state(r.infraId()).status() == ContainerStatus.RUNNING) {
                return r;
            }
        } catch (NotFoundException e) {
            // the infra container is gone: so is the pod's readiness
        }
        return r.withState(SandboxState.NOTREADY);
    }

    /**
     * Creates a container in a ready pod. Its spec must join the pod's namespaces and no
     * others of their kinds; it is tagged with the sandbox id so the pod finds it again.
     */
    public ContainerRecord createContainer(String sandboxId, String containerId, Spec spec, Path bundle,
                                           CreateOptions options) {
        return createContainer(sandboxId, containerId, spec, bundle, options, List.of());
    }

    /** As {@link #createContainer(String, String, Spec, Path, CreateOptions)}, with an image's rootfs mounts. */
    public ContainerRecord createContainer(String sandboxId, String containerId, Spec spec, Path bundle,
                                           CreateOptions options, List<io.peapod.image.snapshot.Mount> rootfsMounts) {
        synchronized (ctx.lock(sandboxId)) {
            SandboxRecord pod = status(sandboxId);
            if (!pod.state().acceptsContainers()) {
                throw new FailedPreconditionException("pod sandbox " + sandboxId + " is not ready; "
                        + "containers can only be created in a ready pod");
            }
            requireJoined(spec, LinuxNamespace.NETWORK, pod.netns(), containerId);
            requireJoined(spec, LinuxNamespace.IPC, pod.ipcns(), containerId);
            requireJoined(spec, LinuxNamespace.UTS, pod.utsns(), containerId);
            if (pod.config().pid() == NamespaceMode.POD) {
                ContainerRecord infra = ctx.containers().state(pod.infraId());
                requireJoined(spec, LinuxNamespace.PID, "/proc/" + infra.pid() + "/ns/pid", containerId);
            }
            if (spec.annotations == null) {
                spec.annotations = new LinkedHashMap<>();
            }
            spec.annotations.put(PodAnnotations.SANDBOX_ID, sandboxId);
            spec.annotations.putIfAbsent(PodAnnotations.CONTAINER_TYPE, PodAnnotations.TYPE_CONTAINER);
            if (spec.linux().cgroupsPath == null || spec.linux().cgroupsPath.isEmpty()) {
                spec.linux().cgroupsPath = pod.cgroupParent() + "/" + containerId;
            }
            return ctx.containers().create(containerId, spec, bundle, options, rootfsMounts);
        }
    }

    /** The pod's pid namespace path for its containers, null unless the pod shares one. */
    public String sharedPidNamespace(String sandboxId) {
        SandboxRecord pod = status(sandboxId);
        if (pod.config().pid() != NamespaceMode.POD) {
            return null;
        }
        return "/proc/" + ctx.containers().state(pod.infraId()).pid() + "/ns/pid";
    }

    private static void requireJoined(Spec spec, String type, String podPath, String containerId) {
        LinuxNamespace ns = spec.linux().namespace(type);
        if (podPath == null) {
            if (ns != null) {
                throw new InvalidArgumentException("container " + containerId + " asks for a " + type
                        + " namespace, but its pod uses the host's");
            }
            return;
        }
        if (ns == null || !Objects.equals(ns.path, podPath)) {
            throw new InvalidArgumentException("container " + containerId + ": its " + type
                    + " namespace must be the pod's (" + podPath + "), not "
                    + (ns == null ? "the host's" : ns.path == null ? "a new one" : ns.path));
        }
    }
}
