package io.peapod.image;

/** Receives progress events; called from download threads, so implementations must be thread safe. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = e -> {
    };

    void onEvent(ProgressEvent event);
}
