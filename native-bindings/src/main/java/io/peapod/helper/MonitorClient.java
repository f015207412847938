package io.peapod.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Commands to a container's monitor over {@code STATE_DIR/ctl.sock}: one command line per
 * connection, one answer line ({@code ok}, {@code error STEP SYSCALL ERRNO TEXT}, or for
 * {@code state}: {@code running PID} / {@code stopped}).
 */
public final class MonitorClient {
    public static final String CTL_SOCKET = "ctl.sock";
    public static final String ATTACH_SOCKET = "attach.sock";

    private MonitorClient() {
    }

    /** Releases a {@code START wait} container; throws the container's error if execve failed. */
    public static void start(Path stateDir) {
        expectOk(stateDir, "start");
    }

    /** Makes the monitor close and reopen the CRI log (after rotation). */
    public static void reopenLog(Path stateDir) {
        expectOk(stateDir, "reopen-log");
    }

    /** Sets the terminal size of a TTY container. */
    public static void resize(Path stateDir, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || rows > 0xffff || cols > 0xffff) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is out of range");
        }
        expectOk(stateDir, "resize " + rows + " " + cols);
    }

    /**
     * The container's state. A monitor that has already exited (it removes ctl.sock after
     * writing the exit file) counts as {@code stopped}.
     */
    public static MonitorState state(Path stateDir) {
        String answer;
        try {
            answer = call(stateDir, "state");
        } catch (UncheckedIOException e) {
            if (ExitFile.read(stateDir).isPresent()) {
                return new MonitorState(false, 0);
            }
            throw e;
        }
        if (answer.equals("stopped")) {
            return new MonitorState(false, 0);
        }
        String[] parts = answer.split(" ");
        if (parts.length == 2 && parts[0].equals("running")) {
            try {
                return new MonitorState(true, Integer.parseInt(parts[1]));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalStateException("monitor in " + stateDir + " answered state with \"" + answer + "\"");
    }

    private static void expectOk(Path stateDir, String command) {
        String answer = call(stateDir, command);
        if (answer.startsWith("error ")) {
            throw HelperException.parse(answer);
        }
        if (!answer.equals("ok")) {
            throw new IllegalStateException("monitor in " + stateDir + " answered " + command + " with \"" + answer + "\"");
        }
    }

    /** Sends one command and returns the answer line without its newline. */
    static String call(Path stateDir, String command) {
        Path socket = stateDir.resolve(CTL_SOCKET);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(1024);
            while (in.hasRemaining() && channel.read(in) >= 0) {
                if (in.position() > 0 && in.get(in.position() - 1) == '\n') {
                    break;
                }
            }
            String answer = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
            if (answer.isEmpty()) {
                throw new IllegalStateException("monitor at " + socket + " closed without answering " + command);
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send \"" + command + "\" to the monitor at " + socket, e);
        }
    }
}
