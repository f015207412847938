package io.peapod.cli.pod;

import io.peapod.cli.common.ChannelStreams;
import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.kube.PodRunner;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.sys.LinuxSyscalls;
import io.peapod.sys.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peapod port-forward POD LOCAL:REMOTE…}: listens on 127.0.0.1:LOCAL and carries
 * each connection to 127.0.0.1:REMOTE inside the pod's network namespace, until
 * interrupted. The store's lock is not held while forwarding.
 */
@Command(name = "port-forward", description = "Forward local ports to ports inside a pod.")
public final class PortForwardCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Parameters(index = "0", paramLabel = "POD")
    String pod;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "LOCAL:REMOTE")
    List<String> ports;

    @Override
    public Integer call() throws Exception {
        String netns;
        try (Engine engine = engineOptions.open()) {
            var record = new PodRunner(engine, PodRunner.Options.defaults()).lookup(pod);
            netns = record.netns();
        }
        if (netns == null) {
            throw new FailedPreconditionException("pod " + pod + " uses the host's network (or is stopped): "
                    + "connect to its ports directly");
        }
        List<ServerSocket> listeners = new ArrayList<>();
        PrintWriter out = command.commandLine().getOut();
        Invocation invocation = Invocation.current();
        for (String spec : ports) {
            int[] p = parse(spec);
            ServerSocket server = new ServerSocket(p[0], 50, InetAddress.getLoopbackAddress());
            listeners.add(server);
            invocation.closeOnCancel(server);
            out.println("Forwarding from 127.0.0.1:" + server.getLocalPort() + " -> " + p[1]);
            out.flush();
            Thread t = new Thread(() -> accept(server, netns, p[1]), "peapod-port-forward-" + p[1]);
            t.setDaemon(true);
            t.start();
        }
        try {
            Thread.currentThread().join();
        } finally {
            // interrupted: by a client that went away when a daemon runs this command
            for (ServerSocket l : listeners) {
                l.close();
            }
        }
        return 0;
    }

    static int[] parse(String spec) {
        String[] parts = spec.split(":", -1);
        try {
            if (parts.length == 1) {
                int port = Integer.parseInt(parts[0]);
                return check(spec, new int[] {port, port});
            }
            if (parts.length == 2) {
                return check(spec, new int[] {parts[0].isEmpty() ? 0 : Integer.parseInt(parts[0]),
                    Integer.parseInt(parts[1])});
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidArgumentException("port mapping \"" + spec + "\": use LOCAL:REMOTE, :REMOTE or PORT");
    }

    private static int[] check(String spec, int[] p) {
        if (p[0] < 0 || p[0] > 65535 || p[1] < 1 || p[1] > 65535) {
            throw new InvalidArgumentException("port mapping \"" + spec + "\": ports must be 1-65535");
        }
        return p;
    }

    private void accept(ServerSocket server, String netns, int remote) {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                SocketChannel inside = connectInside(netns, remote);
                pipe(client.getInputStream(), ChannelStreams.out(inside), client, inside);
                pipe(ChannelStreams.in(inside), client.getOutputStream(), client, inside);
            } catch (IOException | RuntimeException e) {
                command.commandLine().getErr().println("peapod: port-forward to " + remote + ": " + e.getMessage());
                command.commandLine().getErr().flush();
                closeQuietly(client);
            }
        }
    }

    /** A socket made by a thread that has joined the pod's netns: the socket belongs to that netns. */
    static SocketChannel connectInside(String netns, int port) throws IOException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                LinuxSyscalls.get().setns(netns, Syscalls.CLONE_NEWNET);
                result.set(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            } catch (IOException | RuntimeException e) {
                result.set(e);
            }
        }, "peapod-netns-connect");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Object r = result.get();
        if (r instanceof SocketChannel ch) {
            return ch;
        }
        if (r instanceof IOException e) {
            throw new IOException("port " + port + " in the pod: " + e.getMessage(), e);
        }
        throw (RuntimeException) r;
    }

    private static void pipe(InputStream from, OutputStream to, AutoCloseable a, AutoCloseable b) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = from.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(a);
                closeQuietly(b);
            }
        }, "peapod-port-forward-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
