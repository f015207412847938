package io.peapod.cri;

import io.grpc.stub.StreamObserver;
import io.peapod.cri.v1.ContainerEventResponse;
import io.peapod.cri.v1.GetEventsRequest;

/**
 * GetContainerEvents, a server stream. The implementation keeps {@code events} and feeds it until
 * the client cancels or the server stops; it may throw before sending anything to refuse the call.
 */
public interface ContainerEventsHandler {
    void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> events);
}
