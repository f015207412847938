package io.peapod.runtime.container;

import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Containers from OCI bundles: the entry point front ends call. Each verb is its own
 * class; this one only dispatches.
 */
public final class ContainerRuntime {
    private final RuntimeContext ctx;

    public ContainerRuntime(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public RuntimeContext context() {
        return ctx;
    }

    public ContainerRecord create(String id, Path bundle, CreateOptions options) {
        return new CreateContainer(ctx).execute(id, bundle, options);
    }

    /** Create from a spec built in memory (CRI, pod manifests); relative paths resolve against {@code bundle}. */
    public ContainerRecord create(String id, Spec spec, Path bundle, CreateOptions options) {
        return create(id, spec, bundle, options, List.of());
    }

    /**
     * Create with a root filesystem made of {@code rootfsMounts} (an image's overlay, from the
     * snapshotter), mounted on the spec's root path inside the container's mount namespace.
     */
    public ContainerRecord create(String id, Spec spec, Path bundle, CreateOptions options,
                                  List<io.peapod.image.snapshot.Mount> rootfsMounts) {
        return new CreateContainer(ctx).execute(id, spec, bundle.toAbsolutePath().normalize(), options, rootfsMounts);
    }

    public ContainerRecord start(String id) {
        return new StartContainer(ctx).execute(id);
    }

    public ContainerRecord state(String id) {
        return new ContainerStates(ctx).current(id);
    }

    public List<ContainerRecord> list() {
        ContainerStates states = new ContainerStates(ctx);
        List<ContainerRecord> all = new ArrayList<>();
        for (String id : ctx.store().ids()) {
            ctx.store().load(id).map(states::refresh).ifPresent(all::add);
        }
        return all;
    }

    public void kill(String id, int signal, boolean all) {
        new KillContainer(ctx).execute(id, signal, all);
    }

    public ContainerRecord stop(String id, Duration grace) {
        return new StopContainer(ctx).execute(id, grace);
    }

    public void delete(String id, boolean force) {
        new DeleteContainer(ctx).execute(id, force);
    }

    public Optional<ContainerRecord> waitFor(String id, Duration timeout) {
        return new WaitContainer(ctx).execute(id, timeout);
    }

    /** Runs one more process in a running container and waits for it; returns its exit code. */
    public int exec(String id, io.peapod.runtime.spec.Process process, java.util.Map<Integer, String> stdio) {
        return new ExecContainer(ctx).execute(id, process, stdio);
    }

    /** As {@link #exec}, killing the process after {@code timeout}: then {@link ExecTimeoutException}. */
    public int exec(String id, io.peapod.runtime.spec.Process process, java.util.Map<Integer, String> stdio,
                    Duration timeout) {
        return new ExecContainer(ctx).execute(id, process, stdio, timeout);
    }

    /**
     * Starts one more process in a running container with its stdio (or its terminal, when
     * {@code process.terminal}) handed to the caller; see {@link ExecSession}.
     */
    public ExecSession execSession(String id, io.peapod.runtime.spec.Process process, boolean withStdin) {
        return ExecSession.start(ctx, id, process, withStdin);
    }

    /**
     * runc's exec: terminal over {@code consoleSocket}, host pid to {@code pidFile} (both may be null);
     * with {@code detach} returns 0 once the process runs, leaving it to the caller's subreaper.
     */
    public int exec(String id, io.peapod.runtime.spec.Process process, java.util.Map<Integer, String> stdio,
                    Path consoleSocket, Path pidFile, boolean detach) {
        return new ExecContainer(ctx).execute(id, process, stdio, consoleSocket, pidFile, detach);
    }

    /** The pids of every process in the container's cgroup (runc ps). */
    public java.util.Set<Integer> pids(String id) {
        return new ContainerResources(ctx).pids(id);
    }

    /** Changes a created, running or paused container's cgroup limits (runc update). */
    public void update(String id, io.peapod.runtime.spec.LinuxResources resources) {
        new ContainerResources(ctx).update(id, resources);
    }

    /** The container's cgroup usage (runc events --stats). */
    public io.peapod.runtime.cgroup.CgroupStats stats(String id) {
        return new ContainerResources(ctx).stats(id);
    }

    /** The container's own process spec with {@code args} and the given overrides (null keeps the container's). */
    public io.peapod.runtime.spec.Process execProcess(String id, List<String> args, List<String> env, String cwd,
                                                      Long uid, Long gid, boolean tty) {
        return new ExecContainer(ctx).processFor(id, args, env, cwd, uid, gid, tty);
    }

    public ContainerRecord pause(String id) {
        return new PauseContainer(ctx).pause(id);
    }

    public ContainerRecord resume(String id) {
        return new PauseContainer(ctx).resume(id);
    }
}
