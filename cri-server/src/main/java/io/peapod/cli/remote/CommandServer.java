package io.peapod.cli.remote;

import io.peapod.cli.common.Invocation;
import io.peapod.runtime.errors.FailedPreconditionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's command socket: runs {@code peapod} commands for clients with the daemon's
 * engine (see {@link CommandClient}). One thread per connection; only the daemon's own user
 * (root) may connect: the socket is mode 0600 and each peer's credentials are checked.
 */
public final class CommandServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandServer.class);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Invocation.Host host;
    private final Thread acceptor;
    private final AtomicInteger sessions = new AtomicInteger();

    private CommandServer(Path socket, ServerSocketChannel server, Invocation.Host host) {
        this.socket = socket;
        this.server = server;
        this.host = host;
        this.acceptor = new Thread(this::acceptLoop, "peapod-cli-accept");
        this.acceptor.setDaemon(true);
    }

    /** Listens on {@code socket}, replacing a stale socket file but never a live daemon's. */
    public static CommandServer start(Path socket, Invocation.Host host) {
        try {
            Files.createDirectories(socket.getParent());
            if (Files.exists(socket)) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(UnixDomainSocketAddress.of(socket));
                    throw new FailedPreconditionException("another peapod daemon answers on " + socket);
                } catch (IOException stale) {
                    Files.delete(socket);
                }
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            CommandServer s = new CommandServer(socket, ch, host);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for commands on " + socket + ": " + e.getMessage(), e);
        }
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("command socket {}: accept failed: {}", socket, e.getMessage());
                continue;
            }
            Thread t = new Thread(() -> new CommandSession(ch, host).run(),
                    "peapod-cli-" + sessions.incrementAndGet());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Stops accepting; commands already running finish (or end when their clients go). */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("command socket {}: {}", socket, e.getMessage());
        }
    }
}
