package io.peapod.runtime.container;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stop: SIGTERM, the grace period, then SIGKILL to everything in the container's cgroup. */
final class StopContainer {
    private static final Logger LOG = LoggerFactory.getLogger(StopContainer.class);
    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final RuntimeContext ctx;

    StopContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    ContainerRecord execute(String id, Duration grace) {
        ContainerStates states = new ContainerStates(ctx);
        ContainerRecord r = states.current(id);
        if (r.status() == ContainerStatus.STOPPED) {
            return r;
        }
        if (r.status() == ContainerStatus.PAUSED) {
            ctx.cgroups().apply(r.cgroupPath()).thaw();
        }
        if (!grace.isZero() && !grace.isNegative()) {
            new KillContainer(ctx).execute(id, SIGTERM, false);
            var stopped = new WaitContainer(ctx).execute(id, grace);
            if (stopped.isPresent()) {
                LOG.info("container {} stopped on SIGTERM", id);
                killRest(stopped.get());
                return stopped.get();
            }
        }
        LOG.info("container {} did not stop within {} ms: SIGKILL", id, grace.toMillis());
        ContainerRecord now = states.current(id);
        if (now.status() != ContainerStatus.STOPPED) {
            new KillContainer(ctx).execute(id, SIGKILL, false);
        }
        ContainerRecord dead = new WaitContainer(ctx).execute(id, Duration.ofSeconds(30))
                .orElseThrow(() -> new IllegalStateException("container " + id + " survived SIGKILL for 30 s"));
        killRest(dead);
        return dead;
    }

    /** Processes the container left behind in its cgroup (daemons it started) go too. */
    private void killRest(ContainerRecord r) {
        if (r.cgroupPath() != null) {
            var cg = ctx.cgroups().apply(r.cgroupPath());
            if (cg.exists() && !cg.pids().isEmpty()) {
                cg.killAll(SIGKILL);
            }
        }
    }
}
