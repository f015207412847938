package io.peapod.runtime.container;

import io.peapod.helper.MonitorClient;
import io.peapod.runtime.errors.FailedPreconditionException;
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
        MonitorClient.start(ctx.store().directoryOf(id));
        ContainerRecord started = r.withStarted(Instant.now().toString());
        ctx.store().save(started);
        LOG.info("container {} started", id);
        return states.refresh(started);
    }
}
