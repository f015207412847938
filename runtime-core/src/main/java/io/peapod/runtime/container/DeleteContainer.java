package io.peapod.runtime.container;

import io.peapod.runtime.errors.FailedPreconditionException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCI delete: remove a stopped (or never started) container's cgroup and state. With
 * force a running one is killed first; without, it is refused.
 */
final class DeleteContainer {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteContainer.class);

    private final RuntimeContext ctx;

    DeleteContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    void execute(String id, boolean force) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (!r.status().canDelete() && !force) {
            // runc's wording, which orchestrators match on
            throw new FailedPreconditionException("cannot delete container " + id + " that is not stopped: "
                    + r.status().ociName());
        }
        io.peapod.runtime.spec.Spec spec = null;
        try {
            spec = new ExecContainer(ctx).specOf(id);
        } catch (RuntimeException e) {
            LOG.warn("container {}: no readable spec, poststop hooks skipped: {}", id, e.getMessage());
        }
        if (r.status() != ContainerStatus.STOPPED && r.pid() != 0) {
            // a created container's process waits for start; it goes with its cgroup
            new StopContainer(ctx).execute(id, Duration.ZERO);
        }
        if (r.cgroupPath() != null) {
            var cg = ctx.cgroups().apply(r.cgroupPath());
            if (cg.exists()) {
                if (!cg.pids().isEmpty()) {
                    cg.killAll(9);
                }
                cg.destroy();
            }
        }
        ctx.store().remove(id);
        LOG.info("container {} deleted", id);
        if (spec != null) {
            HookRunner.runLogged(spec, HookRunner.Stage.POSTSTOP, r, "stopped");
        }
    }
}
