package io.peapod.cri.streaming.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Client side of the streaming protocols, for the {@code peapod} command line and tests:
 * give it the URL a CRI Exec, Attach or PortForward answered with.
 *
 * <pre>
 * int code = StreamClient.run(URI.create(url), Transport.SPDY, tty, System.in, System.out, System.err);
 * </pre>
 */
public final class StreamClient {
    private StreamClient() {
    }

    /**
     * Opens an exec or attach session. {@code stdout}/{@code stderr} null: not requested (they must
     * match what the CRI request asked for, since the server waits for those streams over SPDY).
     */
    public static RemoteCommandSession remoteCommand(URI url, Transport transport, List<String> protocols,
                                                     boolean stdin, boolean tty, OutputStream stdout,
                                                     OutputStream stderr) {
        SessionBase session = transport == Transport.SPDY ? new SpdySession(stdin, tty, stdout, stderr)
                : new WebSocketSession(stdout, stderr);
        Connector.Upgraded up = Connector.connect(url, transport, protocols, p -> {
            session.protocol = p;
            return session;
        });
        session.connection = up;
        return session;
    }

    /** Opens a port-forward session; over WebSocket {@code ports} are the ones it may open. */
    public static PortForwardSession portForward(URI url, Transport transport, List<String> protocols,
                                                 List<Integer> ports) {
        if (transport == Transport.SPDY) {
            SpdyPortForwardSession s = new SpdyPortForwardSession();
            s.connection = Connector.connect(url, transport, protocols, p -> s);
            return s;
        }
        String query = "ports=" + ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        URI withPorts = URI.create(url + (url.getRawQuery() == null ? "?" : "&") + query);
        WebSocketPortForwardSession s = new WebSocketPortForwardSession(ports);
        s.connection = Connector.connect(withPorts, transport, protocols, p -> s);
        return s;
    }

    /**
     * Runs an exec or attach to its end with local stdio: {@code in} (null: no stdin) is copied
     * until EOF, which closes the remote stdin. Returns the exit code (-1 for a failure that is
     * not one; the message goes to {@code err}). Resize from a terminal with
     * {@link RemoteCommandSession#resize} on the session of {@link #remoteCommand}.
     */
    public static int run(URI url, Transport transport, boolean tty, InputStream in, OutputStream out,
                          OutputStream err) {
        try (RemoteCommandSession s = remoteCommand(url, transport, transport.remoteCommandProtocols(), in != null,
                tty, out, tty ? null : err)) {
            if (in != null) {
                Thread pump = new Thread(() -> {
                    byte[] buf = new byte[8192];
                    try {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            s.stdin(java.util.Arrays.copyOf(buf, n));
                        }
                        s.closeStdin();
                    } catch (IOException e) {
                        s.closeStdin();
                    }
                }, "stream-client-stdin");
                pump.setDaemon(true);
                pump.start();
            }
            StreamStatus status = s.awaitStatus(Duration.ofDays(365));
            if (status.exitCode() < 0 && err != null) {
                try {
                    err.write((status.message() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    err.flush();
                } catch (IOException e) {
                    // the message is lost with the terminal
                }
            }
            return status.exitCode();
        }
    }
}
