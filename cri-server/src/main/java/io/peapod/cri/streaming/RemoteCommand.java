package io.peapod.cri.streaming;

/**
 * The process side of a remotecommand session (an exec'd process, or a container's own
 * stdio for attach). The protocol handler calls these from its event loop; none blocks long.
 */
abstract class RemoteCommand {
    /** Starts the process side; reports through the client given at construction. */
    abstract void start();

    abstract void stdin(byte[] data);

    /** The client closed its stdin (SPDY half-close, WebSocket v5 close signal). */
    abstract void stdinClosed();

    abstract void resize(int width, int height);

    /** The client went away: stop what runs for it, leak nothing. */
    abstract void clientGone();

    static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, "peapod-stream-" + name);
        t.setDaemon(true);
        return t;
    }
}
