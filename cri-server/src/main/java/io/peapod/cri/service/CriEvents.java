package io.peapod.cri.service;

import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.peapod.cri.ContainerEventsHandler;
import io.peapod.cri.v1.ContainerEventResponse;
import io.peapod.cri.v1.ContainerEventType;
import io.peapod.cri.v1.GetEventsRequest;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GetContainerEvents: every subscriber receives the container lifecycle events published
 * after it subscribed. A subscriber that goes away (or whose call is cancelled) is dropped;
 * {@link #close()} ends every stream, so that the server's graceful shutdown need not wait.
 */
public final class CriEvents implements ContainerEventsHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriEvents.class);

    private final CopyOnWriteArrayList<StreamObserver<ContainerEventResponse>> subscribers =
            new CopyOnWriteArrayList<>();
    private volatile Consumer<ContainerEventResponse.Builder> decorator = b -> { };

    /** Fills in statuses (pod and container) on each event before it is sent. */
    public void decorateWith(Consumer<ContainerEventResponse.Builder> d) {
        this.decorator = d;
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> events) {
        subscribers.add(events);
        if (events instanceof ServerCallStreamObserver<ContainerEventResponse> call) {
            call.setOnCancelHandler(() -> subscribers.remove(events));
        }
        Context.current().addListener(ctx -> subscribers.remove(events), Runnable::run);
    }

    public void containerCreated(String containerId, String sandboxId) {
        publish(containerId, sandboxId, ContainerEventType.CONTAINER_CREATED_EVENT);
    }

    public void containerStarted(String containerId, String sandboxId) {
        publish(containerId, sandboxId, ContainerEventType.CONTAINER_STARTED_EVENT);
    }

    public void containerStopped(String containerId, String sandboxId) {
        publish(containerId, sandboxId, ContainerEventType.CONTAINER_STOPPED_EVENT);
    }

    public void containerDeleted(String containerId, String sandboxId) {
        publish(containerId, sandboxId, ContainerEventType.CONTAINER_DELETED_EVENT);
    }

    /** A sandbox changed state; the kubelet learns of it through its infra container's events. */
    public void sandboxChanged(String sandboxId) {
        publish(sandboxId, sandboxId, ContainerEventType.CONTAINER_STARTED_EVENT);
    }

    private void publish(String containerId, String sandboxId, ContainerEventType type) {
        if (subscribers.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        ContainerEventResponse.Builder b = ContainerEventResponse.newBuilder().setContainerId(containerId)
                .setContainerEventType(type).setCreatedAt(now);
        try {
            decorator.accept(b);
        } catch (RuntimeException e) {
            LOG.debug("no status for event of {}: {}", containerId, e.getMessage());
        }
        ContainerEventResponse event = b.build();
        for (StreamObserver<ContainerEventResponse> s : subscribers) {
            try {
                synchronized (s) {
                    s.onNext(event);
                }
            } catch (RuntimeException e) {
                subscribers.remove(s);
            }
        }
    }

    @Override
    public void close() {
        for (StreamObserver<ContainerEventResponse> s : subscribers) {
            try {
                s.onCompleted();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        subscribers.clear();
    }
}
