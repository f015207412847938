package io.peapod.runtime.pod;

import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.errors.NotFoundException;
import io.peapod.runtime.network.PinnedNamespaces;
import io.peapod.runtime.network.PodNetworkRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StopPodSandbox: every container of the pod stopped with its grace period (in
 * parallel), then the infra container, the network torn down and the pinned
 * namespaces released. Idempotent.
 */
final class StopPodSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(StopPodSandbox.class);

    private final PodContext ctx;

    StopPodSandbox(PodContext ctx) {
        this.ctx = ctx;
    }

    SandboxRecord execute(String id, Duration grace) {
        synchronized (ctx.lock(id)) {
            SandboxRecord r = ctx.load(id);
            List<ContainerRecord> members = PodMembers.of(ctx, id);
            List<CompletableFuture<Void>> stops = members.stream()
                    .filter(c -> !c.id().equals(r.infraId()) && c.status() != ContainerStatus.STOPPED)
                    .map(c -> CompletableFuture.runAsync(() -> stopQuietly(c.id(), grace)))
                    .toList();
            stops.forEach(CompletableFuture::join);
            if (r.infraId() != null) {
                stopQuietly(r.infraId(), Duration.ofSeconds(2));
            }
            if (r.netns() != null) {
                ctx.network().tearDown(new PodNetworkRequest(id, r.config().name(), r.config().namespace(),
                        r.config().uid(), Path.of(r.netns()), r.config().portMappings(), null, r.config().dns()));
            }
            ctx.pinner().unpinPod(new PinnedNamespaces(path(r.netns()), path(r.ipcns()), path(r.utsns())));
            SandboxRecord stopped = r.withNamespacesReleased().withState(SandboxState.NOTREADY);
            ctx.records().save(id, stopped);
            LOG.info("pod sandbox {} stopped", id);
            return stopped;
        }
    }

    private void stopQuietly(String containerId, Duration grace) {
        try {
            ctx.containers().stop(containerId, grace);
        } catch (NotFoundException e) {
            // removed meanwhile
        }
    }

    private static Path path(String p) {
        return p == null ? null : Path.of(p);
    }
}
