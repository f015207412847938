package io.peapod.runtime.container;

import io.peapod.runtime.errors.FailedPreconditionException;

/** Pause and resume: freeze and thaw the container's cgroup. */
final class PauseContainer {
    private final RuntimeContext ctx;

    PauseContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    ContainerRecord pause(String id) {
        ContainerStates states = new ContainerStates(ctx);
        ContainerRecord r = states.current(id);
        if (!r.status().canPause()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; only a running container can be paused");
        }
        ctx.cgroups().apply(r.cgroupPath()).freeze();
        ContainerRecord paused = r.withStatus(ContainerStatus.PAUSED);
        ctx.store().save(paused);
        return paused;
    }

    ContainerRecord resume(String id) {
        ContainerStates states = new ContainerStates(ctx);
        ContainerRecord r = states.current(id);
        if (!r.status().canResume()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; only a paused container can be resumed");
        }
        ctx.cgroups().apply(r.cgroupPath()).thaw();
        ContainerRecord running = r.withStatus(ContainerStatus.RUNNING);
        ctx.store().save(running);
        return running;
    }
}
