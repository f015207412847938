package io.peapod.cri.streaming;

import io.peapod.helper.MonitorClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CRI Attach behind a streaming connection: one client of the container monitor's attach
 * socket. Output frames (stream byte, u32 length, data) go to the client; stdin bytes go to
 * the socket; resize goes to the monitor's ctl socket. Closing the socket detaches and leaves
 * the container running. The monitor drops a client that falls behind, so output is never
 * held back here: it is queued on the connection instead.
 */
final class AttachCommand extends RemoteCommand {
    private static final Logger LOG = LoggerFactory.getLogger(AttachCommand.class);

    private final Path stateDir;
    private final StreamRequest.Attach request;
    private final RemoteCommandClient client;
    private volatile SocketChannel socket;
    private volatile boolean gone;

    AttachCommand(Path stateDir, StreamRequest.Attach request, RemoteCommandClient client) {
        this.stateDir = stateDir;
        this.request = request;
        this.client = client;
    }

    @Override
    void start() {
        Path path = stateDir.resolve(MonitorClient.ATTACH_SOCKET);
        try {
            SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
        } catch (IOException e) {
            client.finishError("attach to container " + request.containerId() + ": its monitor does not answer at "
                    + path + " (" + e.getMessage() + "); is it running?");
            return;
        }
        thread("attach-" + request.containerId().substring(0, Math.min(12, request.containerId().length())),
                this::relay).start();
    }

    private void relay() {
        SocketChannel s = socket;
        ByteBuffer head = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN);
        try {
            for (;;) {
                head.clear();
                if (!readFully(s, head)) {
                    break;
                }
                int stream = head.get(0);
                int len = head.getInt(1);
                if (len < 0 || len > (1 << 24)) {
                    throw new IOException("attach frame of " + len + " bytes");
                }
                ByteBuffer data = ByteBuffer.allocate(len);
                if (!readFully(s, data)) {
                    break;
                }
                boolean wanted = stream == RemoteCommandClient.STDERR ? request.stderr() || request.tty()
                        : request.stdout();
                int target = stream == RemoteCommandClient.STDERR && !request.stderr() ? RemoteCommandClient.STDOUT
                        : stream;
                if (wanted && !gone) {
                    client.send(target, data.array(), len);
                }
            }
            if (!gone) {
                client.finishExit(0);
            }
        } catch (IOException e) {
            if (!gone) {
                client.finishError("attach to container " + request.containerId() + ": " + e.getMessage());
            }
        } finally {
            close(s);
        }
    }

    private static boolean readFully(SocketChannel s, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (s.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    void stdin(byte[] data) {
        SocketChannel s = socket;
        if (!request.stdin() || s == null || data.length == 0) {
            return;
        }
        try {
            synchronized (this) {
                ByteBuffer b = ByteBuffer.wrap(data);
                while (b.hasRemaining()) {
                    s.write(b);
                }
            }
        } catch (IOException e) {
            LOG.debug("attach stdin of container {}: {}", request.containerId(), e.toString());
        }
    }

    @Override
    void stdinClosed() {
        // The monitor ends a container's stdin when an attach client detaches, if the container
        // was created with stdin_once; otherwise its stdin stays open for the next client.
    }

    @Override
    void resize(int width, int height) {
        if (!request.tty()) {
            return;
        }
        try {
            MonitorClient.resize(stateDir, height, width);
        } catch (RuntimeException e) {
            LOG.debug("resize of container {} to {}x{}: {}", request.containerId(), height, width, e.toString());
        }
    }

    @Override
    void clientGone() {
        gone = true;
        SocketChannel s = socket;
        if (s != null) {
            close(s);
        }
    }

    private static void close(SocketChannel s) {
        try {
            s.close();
        } catch (IOException e) {
            LOG.debug("closing attach socket: {}", e.toString());
        }
    }
}
