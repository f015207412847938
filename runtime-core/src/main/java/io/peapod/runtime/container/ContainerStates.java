package io.peapod.runtime.container;

import io.peapod.helper.ExitFile;
import io.peapod.helper.ExitStatus;
import io.peapod.runtime.cgroup.CgroupManager;
import io.peapod.runtime.errors.NotFoundException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a container's record and brings it up to date with the kernel: a process that
 * exited is STOPPED with its exit status (OOM recognised from the cgroup), a frozen
 * cgroup is PAUSED. What it learns is written back, so the next reader agrees.
 */
final class ContainerStates {
    private static final int SIGKILL = 9;

    private final RuntimeContext ctx;

    ContainerStates(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    ContainerRecord load(String id) {
        ContainerIds.check(id);
        return ctx.store().load(id).orElseThrow(() -> new NotFoundException("container " + id + " does not exist"));
    }

    ContainerRecord current(String id) {
        return refresh(load(id));
    }

    ContainerRecord refresh(ContainerRecord r) {
        if (r.status() == ContainerStatus.STOPPED) {
            return r;
        }
        if (r.status() == ContainerStatus.CREATING && r.pid() == 0) {
            return r;
        }
        Path dir = ctx.store().directoryOf(r.id());
        Optional<ExitStatus> exit = ExitFile.read(dir);
        ContainerRecord updated;
        if (exit.isPresent()) {
            ExitStatus e = exit.get();
            boolean oom = false;
            if (e.signaled() && e.signal() == SIGKILL && r.cgroupPath() != null) {
                CgroupManager cg = ctx.cgroups().apply(r.cgroupPath());
                oom = cg.exists() && cg.oomKillCount() > 0;
            }
            updated = r.withExit(e.exitCode(), oom, e.finishedAt().toString());
        } else if (!ProcStat.isAlive(r.pid(), r.pidStartTime())) {
            if (r.monitorPid() != 0 && ProcStat.startTime(r.monitorPid()) != -1) {
                // reaped, and the monitor is about to write the exit file: not stopped yet
                return r;
            }
            Optional<ExitStatus> late = ExitFile.read(dir);
            if (late.isPresent()) {
                return refresh(r);
            }
            // gone without a word from its monitor (killed with it): stopped, exit unknown
            updated = r.withExit(255, false, Instant.now().toString());
        } else if (r.status() == ContainerStatus.RUNNING || r.status() == ContainerStatus.PAUSED) {
            boolean frozen = r.cgroupPath() != null && ctx.cgroups().apply(r.cgroupPath()).isFrozen();
            ContainerStatus s = frozen ? ContainerStatus.PAUSED : ContainerStatus.RUNNING;
            if (s == r.status()) {
                return r;
            }
            updated = r.withStatus(s);
        } else {
            return r;
        }
        ctx.store().save(updated);
        return updated;
    }
}
