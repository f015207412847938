package io.peapod.runtime.pod;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.errors.NotFoundException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemovePodSandbox: stops the pod if it is not stopped yet, removes its containers,
 * the infra container, the pod cgroup and the pod's directory. Idempotent: an unknown
 * id is reported as {@code false}, not as an error.
 */
final class RemovePodSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(RemovePodSandbox.class);

    private final PodContext ctx;

    RemovePodSandbox(PodContext ctx) {
        this.ctx = ctx;
    }

    boolean execute(String id) {
        synchronized (ctx.lock(id)) {
            if (ctx.records().load(PodContext.checkId(id)).isEmpty()) {
                return false;
            }
            SandboxRecord r = new StopPodSandbox(ctx).execute(id, Duration.ZERO);
            for (ContainerRecord c : PodMembers.of(ctx, id)) {
                try {
                    ctx.containers().delete(c.id(), true);
                } catch (NotFoundException e) {
                    // removed meanwhile
                }
            }
            if (r.cgroupParent() != null) {
                var cg = ctx.cgroup(r.cgroupParent());
                if (cg.exists()) {
                    cg.killAll(9);
                    cg.destroy();
                }
            }
            PodShm.unmount(ctx.directoryOf(id));
            ctx.records().remove(id);
            LOG.info("pod sandbox {} removed", id);
            return true;
        }
    }
}
