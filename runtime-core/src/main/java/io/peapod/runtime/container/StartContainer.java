package io.peapod.runtime.container;

import io.peapod.helper.MonitorClient;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.spec.Spec;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** OCI start: release a CREATED container's process into its program. */
final class StartContainer {
    private static final Logger LOG = LoggerFactory.getLogger(StartContainer.class);

    private final RuntimeContext ctx;

    StartContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    ContainerRecord execute(String id) {
        ContainerStates states = new ContainerStates(ctx);
        ContainerRecord r = states.current(id);
        if (!r.status().canStart()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; only a created container can be started");
        }
        Spec spec = new ExecContainer(ctx).specOf(id);
        try {
            HookRunner.run(spec, HookRunner.Stage.START_CONTAINER, r, "created");
        } catch (RuntimeException e) {
            // the spec: a failing startContainer hook stops the container
            new StopContainer(ctx).execute(id, java.time.Duration.ZERO);
            throw e;
        }
        Path dir = ctx.store().directoryOf(id);
        if (r.monitorPid() == 0) {
            ctx.helper().startViaFifo(dir);
        } else {
            MonitorClient.start(dir);
        }
        ContainerRecord started = r.withStarted(Instant.now().toString());
        ctx.store().save(started);
        LOG.info("container {} started", id);
        HookRunner.runLogged(spec, HookRunner.Stage.POSTSTART, started, "running");
        return states.refresh(started);
    }
}
