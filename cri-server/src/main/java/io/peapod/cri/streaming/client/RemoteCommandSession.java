package io.peapod.cri.streaming.client;

import java.time.Duration;

/**
 * A running exec or attach over a streaming URL. Output arrives on the streams given when it
 * was opened; everything here may be called from any thread.
 */
public interface RemoteCommandSession extends AutoCloseable {
    /** The protocol the server agreed to, e.g. {@code v4.channel.k8s.io}. */
    String protocol();

    void stdin(byte[] data);

    /** Ends the process's stdin (SPDY: FIN on the stdin stream; WebSocket v5: the close signal). */
    void closeStdin();

    /** Tells the server the terminal size. */
    void resize(int width, int height);

    /** Waits for the end of the session; throws {@link StreamException} when it does not end in time. */
    StreamStatus awaitStatus(Duration timeout);

    /** Disconnects (detaches, for attach; an exec'd process is killed by the server). */
    @Override
    void close();
}
