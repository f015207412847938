package io.peapod.cri;

import io.grpc.stub.StreamObserver;

/** The unary answer: one response, then completion. Failures are thrown, never sent here. */
final class Replies {
    private Replies() {}

    static <T> void reply(StreamObserver<T> observer, T response) {
        if (response == null) {
            throw new IllegalStateException("the handler returned no response");
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
