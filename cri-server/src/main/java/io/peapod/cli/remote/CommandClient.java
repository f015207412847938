package io.peapod.cli.remote;

import io.peapod.cli.common.ChannelStreams;
import io.peapod.cli.common.LocalTerminal;
import io.peapod.cli.common.Terminal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The client side of the command socket: when a daemon serves the state directory a command
 * names, the command is sent there and run by the daemon, with this process relaying stdin,
 * stdout, stderr and the terminal. It uses nothing beyond the JDK, and no command parsing,
 * so that a client's start-up costs little more than the JVM's own.
 */
public final class CommandClient {
    /** The command socket's name in the state directory. */
    public static final String SOCKET_NAME = "cli.sock";

    /** Commands that always run in this process: the daemon itself, tools and help. */
    private static final Set<String> LOCAL_ONLY = Set.of("serve", "oci", "bench", "completion", "version", "help",
            "-h", "--help", "-V", "--version");

    /** Options that take a value, of the commands whose first positional ends peapod's own options. */
    static final Set<String> RUN_VALUE_OPTIONS = Set.of("-e", "--env", "-v", "--volume", "--name", "--memory",
            "--cpus", "--pids-limit", "--network", "-u", "--user", "-w", "--workdir", "--entrypoint", "--root",
            "--state", "--cni-conf-dir");
    static final Set<String> EXEC_VALUE_OPTIONS = Set.of("-e", "--env", "-w", "--workdir", "--root", "--state",
            "--cni-conf-dir");

    private CommandClient() {
    }

    /** True for a command a daemon may run. */
    public static boolean daemonMayRun(String[] args) {
        return args.length > 0 && !LOCAL_ONLY.contains(args[0]);
    }

    /** The command socket of the state directory {@code args} name (their {@code --state}, or the default). */
    public static Path socketFor(String[] args) {
        Set<String> valueOptions = args.length == 0 ? Set.of() : switch (args[0]) {
            case "run" -> RUN_VALUE_OPTIONS;
            case "exec" -> EXEC_VALUE_OPTIONS;
            default -> null;
        };
        String state = "/run/peapod";
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--state") && i + 1 < args.length) {
                state = args[++i];
            } else if (a.startsWith("--state=")) {
                state = a.substring("--state=".length());
            } else if (valueOptions != null) {
                if (!a.startsWith("-") || a.equals("-")) {
                    break; // the image or container: what follows is the container's command line
                }
                if (takesSeparateValue(a, valueOptions)) {
                    i++;
                }
            }
        }
        return Path.of(state).toAbsolutePath().resolve(SOCKET_NAME);
    }

    /** {@code --name X}, {@code -e X}, or a cluster of short options ending in one that takes a value. */
    private static boolean takesSeparateValue(String option, Set<String> valueOptions) {
        if (option.startsWith("--")) {
            return !option.contains("=") && valueOptions.contains(option);
        }
        for (int c = 1; c < option.length(); c++) {
            if (valueOptions.contains(new String(new char[] {'-', option.charAt(c)}))) {
                return c == option.length() - 1; // otherwise the rest of the cluster is its value
            }
        }
        return false;
    }

    /** Runs the command through the daemon on {@code socket}; empty when no daemon answers there. */
    public static OptionalInt run(Path socket, String[] args) {
        return run(socket, args, System.in, System.out, System.err, new LocalTerminal());
    }

    public static OptionalInt run(Path socket, String[] args, InputStream stdin, OutputStream stdout,
                                  OutputStream stderr, Terminal terminal) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        try (ch) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                return OptionalInt.empty(); // no daemon (none started, or a stale socket): run embedded
            }
            return OptionalInt.of(new Session(ch, stdin, stdout, stderr, terminal).run(args));
        } catch (IOException e) {
            new PrintStream(stderr, true, StandardCharsets.UTF_8).println("peapod: lost the daemon on " + socket
                    + ": " + e.getMessage());
            return OptionalInt.of(1);
        }
    }

    private static final class Session {
        private final DataInputStream in;
        private final DataOutputStream out;
        private final InputStream stdin;
        private final OutputStream stdout;
        private final OutputStream stderr;
        private final Terminal terminal;
        private Terminal.Restore raw;
        private Thread rawGuard;
        private Terminal.Restore watch;
        private boolean stdinStarted;

        Session(SocketChannel ch, InputStream stdin, OutputStream stdout, OutputStream stderr, Terminal terminal) {
            this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(ch), 1 << 16));
            this.out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(ch), 1 << 16));
            this.stdin = stdin;
            this.stdout = stdout;
            this.stderr = stderr;
            this.terminal = terminal;
        }

        int run(String[] args) throws IOException {
            Wire.writeRequest(out, new Wire.Request(List.of(args), Path.of("").toAbsolutePath().toString(),
                    System.getenv(), terminal.present()));
            try {
                while (true) {
                    Wire.Frame f;
                    try {
                        f = Wire.readFrame(in);
                    } catch (EOFException e) {
                        throw new IOException("it closed the connection before the command ended");
                    }
                    switch (f.type()) {
                        case Wire.STDOUT -> {
                            stdout.write(f.data());
                            stdout.flush();
                        }
                        case Wire.STDERR -> {
                            stderr.write(f.data());
                            stderr.flush();
                        }
                        case Wire.EXIT -> {
                            return f.u32(0);
                        }
                        case Wire.WANT_STDIN -> startStdin();
                        case Wire.QUERY_SIZE -> {
                            int[] size = terminal.size();
                            Wire.writeFrame(out, Wire.SIZE, size == null ? 0 : size[0], size == null ? 0 : size[1]);
                        }
                        case Wire.TERMINAL_MODE -> {
                            setRaw(f.data().length > 0 && f.data()[0] == 1);
                            Wire.writeFrame(out, Wire.MODE_SET);
                        }
                        case Wire.WATCH_SIZE -> watchSize(f.data().length > 0 && f.data()[0] == 1);
                        default -> throw new IOException("unexpected frame type '" + (char) f.type() + "'");
                    }
                }
            } finally {
                watchSize(false);
                setRaw(false);
            }
        }

        private void watchSize(boolean on) {
            if (on && watch == null) {
                watch = terminal.watchSize((rows, cols) -> {
                    try {
                        Wire.writeFrame(out, Wire.RESIZED, rows, cols);
                    } catch (IOException e) {
                        // the command ended meanwhile
                    }
                });
            } else if (!on && watch != null) {
                watch.close();
                watch = null;
            }
        }

        private void setRaw(boolean on) {
            if (on && raw == null) {
                raw = terminal.raw();
                Terminal.Restore restore = raw;
                rawGuard = new Thread(restore::close, "peapod-restore-terminal");
                Runtime.getRuntime().addShutdownHook(rawGuard);
            } else if (!on && raw != null) {
                raw.close();
                raw = null;
                try {
                    Runtime.getRuntime().removeShutdownHook(rawGuard);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway; restoring twice is harmless
                }
            }
        }

        private void startStdin() {
            if (stdinStarted) {
                return;
            }
            stdinStarted = true;
            Thread t = new Thread(() -> {
                byte[] buf = new byte[1 << 15];
                try {
                    for (int n; (n = stdin.read(buf)) >= 0; ) {
                        if (n > 0) {
                            Wire.writeFrame(out, Wire.STDIN, buf, 0, n);
                        }
                    }
                    Wire.writeFrame(out, Wire.STDIN, buf, 0, 0);
                } catch (IOException e) {
                    // the daemon ended the command, or stdin failed: nothing more to send
                }
            }, "peapod-stdin");
            t.setDaemon(true);
            t.start();
        }
    }
}
