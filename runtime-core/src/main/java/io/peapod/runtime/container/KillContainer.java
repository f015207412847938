package io.peapod.runtime.container;

import io.peapod.runtime.errors.FailedPreconditionException;

/** OCI kill: a signal to the container's process, or with {@code all} to every process in its cgroup. */
final class KillContainer {
    private final RuntimeContext ctx;

    KillContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    void execute(String id, int signal, boolean all) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (!r.status().canKill()) {
            // "container not running" is runc's wording, which containerd maps to NotFound
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; there is no process to signal (container not running)");
        }
        if (all && r.cgroupPath() != null) {
            ctx.cgroups().apply(r.cgroupPath()).killAll(signal);
            return;
        }
        // The monitor reaps the process and then writes its exit file: while that file is
        // absent and the start time matches, the pid cannot have been recycled.
        if (ProcStat.isAlive(r.pid(), r.pidStartTime())) {
            ctx.helper().kill(r.pid(), signal);
        }
    }
}
