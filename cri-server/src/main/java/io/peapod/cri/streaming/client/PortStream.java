package io.peapod.cri.streaming.client;

import java.io.InputStream;
import java.io.OutputStream;

/** One forwarded connection: bytes from the remote port, bytes to it, and what the server reported. */
public interface PortStream extends AutoCloseable {
    int port();

    /** What the remote port sends; EOF when the server ends the connection. */
    InputStream input();

    /** Writes go to the remote port; {@code close()} half-closes (the remote side sees EOF). */
    OutputStream output();

    /** The text of the error stream so far (e.g. a refused connection), empty when none. */
    String error();

    @Override
    void close();
}
