package io.peapod.cli.container;

import io.peapod.cli.common.ChannelStreams;
import io.peapod.cli.common.Invocation;
import io.peapod.helper.MonitorClient;
import io.peapod.runtime.errors.FailedPreconditionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A caller attached to a container through its monitor's attach socket: the container's
 * output to the caller's stdout and stderr until the container exits, and with stdin the
 * caller's input to the container. Input goes over a connection of its own, closed when the
 * caller's input ends, which ends the container's stdin if it was created with stdin-once.
 */
final class Attachment implements AutoCloseable {
    private final SocketChannel output;
    private final SocketChannel input;

    private Attachment(SocketChannel output, SocketChannel input) {
        this.output = output;
        this.input = input;
    }

    /** Attaches to the container whose state directory is {@code stateDir}. */
    static Attachment open(Path stateDir, boolean withStdin) {
        Path socket = stateDir.resolve(MonitorClient.ATTACH_SOCKET);
        if (!Files.exists(socket)) {
            throw new FailedPreconditionException("container " + stateDir.getFileName() + " is not running under "
                    + "a monitor: nothing to attach to");
        }
        SocketChannel output = connect(socket);
        SocketChannel input = null;
        try {
            if (withStdin) {
                input = connect(socket);
            }
            return new Attachment(output, input);
        } catch (RuntimeException e) {
            closeQuietly(output);
            closeQuietly(input);
            throw e;
        }
    }

    private static SocketChannel connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach to " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Relays until the container's output ends (it exited) or the caller goes away. */
    void relay(Invocation invocation) throws IOException {
        if (input != null) {
            Thread t = new Thread(() -> forward(invocation.stdin(), ChannelStreams.out(input)), "peapod-attach-stdin");
            t.setDaemon(true);
            t.start();
        }
        try {
            AttachCommand.relay(ChannelStreams.in(output), invocation.stdout(), invocation.stderr());
        } catch (AsynchronousCloseException cancelled) {
            // the caller went away
        }
    }

    private void forward(InputStream from, OutputStream to) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = from.read(buf)) >= 0; ) {
                to.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the container or the caller went away
        }
        closeQuietly(input);
    }

    @Override
    public void close() {
        closeQuietly(input);
        closeQuietly(output);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
