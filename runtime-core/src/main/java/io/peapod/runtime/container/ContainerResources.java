package io.peapod.runtime.container;

import io.peapod.runtime.cgroup.CgroupException;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxResources;
import java.util.Set;

/** A container's cgroup seen from outside: its processes, its usage, and changes to its limits. */
final class ContainerResources {
    private final RuntimeContext ctx;

    ContainerResources(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    Set<Integer> pids(String id) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        CgroupManager cg = cgroupOf(r);
        return cg.exists() ? cg.pids() : Set.of();
    }

    void update(String id, LinuxResources resources) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (r.status() == ContainerStatus.STOPPED) {
            throw new FailedPreconditionException("container " + id + " is stopped; its resources cannot change");
        }
        try {
            cgroupOf(r).update(ResourcesToCgroup.translate(resources));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("container " + id + ": resources: " + e.getMessage());
        } catch (CgroupException e) {
            throw new CgroupException("container " + id + ": " + e.getMessage(), e);
        }
    }

    CgroupStats stats(String id) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (r.status() == ContainerStatus.STOPPED) {
            throw new FailedPreconditionException("container " + id + " is stopped; it has no stats");
        }
        return cgroupOf(r).stats();
    }

    private CgroupManager cgroupOf(ContainerRecord r) {
        if (r.cgroupPath() == null) {
            throw new FailedPreconditionException("container " + r.id() + " has no cgroup");
        }
        return ctx.cgroups().apply(r.cgroupPath());
    }
}
