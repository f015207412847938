package io.peapod.cri.streaming.client;

/** A port-forward connection to a pod: open forwarded connections with {@link #open(int)}. */
public interface PortForwardSession extends AutoCloseable {
    /**
     * A new connection to {@code port} in the pod. Over SPDY any number, to any port; over
     * WebSocket one per port given when the session was made.
     */
    PortStream open(int port);

    @Override
    void close();
}
