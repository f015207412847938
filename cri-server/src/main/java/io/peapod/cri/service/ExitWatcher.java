package io.peapod.cri.service;

import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices containers that exit on their own (their monitors wrote exit files) and
 * publishes CONTAINER_STOPPED for them, so a kubelet on GetContainerEvents need not poll.
 */
public final class ExitWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);

    private final Engine engine;
    private final CriEvents events;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "peapod-exit-watcher");
        t.setDaemon(true);
        return t;
    });
    private Set<String> running = new HashSet<>();

    public ExitWatcher(Engine engine, CriEvents events) {
        this.engine = engine;
        this.events = events;
    }

    public ExitWatcher start(long periodMillis) {
        timer.scheduleWithFixedDelay(this::scan, 0, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    void scan() {
        try {
            Set<String> now = new HashSet<>();
            for (ContainerRecord r : engine.containers().list()) {
                if (r.status() == ContainerStatus.RUNNING || r.status() == ContainerStatus.PAUSED) {
                    now.add(r.id());
                } else if (r.status() == ContainerStatus.STOPPED && running.contains(r.id())) {
                    String sandbox = r.annotations() == null ? "" : r.annotations().getOrDefault(
                            io.peapod.runtime.pod.PodAnnotations.SANDBOX_ID, "");
                    events.containerStopped(r.id(), sandbox);
                }
            }
            running = now;
        } catch (RuntimeException e) {
            LOG.warn("scanning for exited containers failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
