package io.peapod.cli.remote;

import io.peapod.cli.Main;
import io.peapod.cli.common.ChannelStreams;
import io.peapod.cli.common.Invocation;
import io.peapod.cli.common.Terminal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One client's command, run on the daemon's engine with the client's streams and terminal. */
final class CommandSession {
    private static final Logger LOG = LoggerFactory.getLogger(CommandSession.class);
    private static final byte[] END = new byte[0];
    private static final long REPLY_TIMEOUT_SECONDS = 10;

    private final SocketChannel ch;
    private final Invocation.Host host;
    private final DataInputStream in;
    private final DataOutputStream out;
    /** Stdin bytes from the client; {@link #END} once it ended or went away. */
    private final BlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
    /** Answers to the terminal questions the command asks, in order. */
    private final BlockingQueue<Wire.Frame> replies = new ArrayBlockingQueue<>(4);
    private volatile boolean stdinWanted;
    /** Told of the client's terminal size changes while a command watches them. */
    private volatile Terminal.ResizeListener resizes;
    private volatile boolean finished;

    CommandSession(SocketChannel ch, Invocation.Host host) {
        this.ch = ch;
        this.host = host;
        this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(ch), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(ch), 1 << 16));
    }

    void run() {
        try (ch) {
            String peer = peer();
            if (peer != null) {
                LOG.warn("command socket: refused a client running as {}", peer);
                return;
            }
            Wire.Request request = Wire.readRequest(in);
            Invocation invocation = new Invocation(new RemoteStdin(), new FrameStream(Wire.STDOUT),
                    new FrameStream(Wire.STDERR), Path.of(request.cwd()), request.env(),
                    request.terminal() ? new RemoteTerminal() : Terminal.NONE, host);
            Thread worker = Thread.currentThread();
            Thread reader = new Thread(() -> readClient(worker, invocation), worker.getName() + "-in");
            reader.setDaemon(true);
            reader.start();
            int code = Invocation.runAs(invocation, () -> execute(request, invocation));
            finished = true;
            Thread.interrupted(); // a late cancel must not fail the exit frame
            Wire.writeFrame(out, Wire.EXIT, code);
        } catch (IOException e) {
            LOG.debug("command socket: client went away: {}", e.getMessage());
        }
    }

    private int execute(Wire.Request request, Invocation invocation) {
        String[] argv = request.argv().toArray(String[]::new);
        if (!CommandClient.daemonMayRun(argv)) {
            String what = argv.length == 0 ? "(no command)" : argv[0];
            write(invocation.stderr(), "peapod: " + what + " runs only in the calling process, not through the "
                    + "daemon\n");
            return 2;
        }
        try {
            var cl = Main.commandLine(invocation, argv[0]);
            int code = cl.execute(argv);
            cl.getOut().flush();
            cl.getErr().flush();
            return code;
        } catch (RuntimeException e) {
            // picocli reports a command's own failures; this is one of the daemon's
            LOG.error("command {} failed inside the daemon", request.argv(), e);
            write(invocation.stderr(), "peapod: the daemon failed to run the command: " + e + "\n");
            return 1;
        }
    }

    /** Null when the peer is the daemon's own user, else who it is. */
    private String peer() throws IOException {
        UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        String self = System.getProperty("user.name");
        return p.user().getName().equals(self) ? null : p.user().getName();
    }

    /** Until the client goes away: its stdin and its answers. Going away cancels the command. */
    private void readClient(Thread worker, Invocation invocation) {
        try {
            while (true) {
                Wire.Frame f = Wire.readFrame(in);
                switch (f.type()) {
                    case Wire.STDIN -> stdin.add(f.data().length == 0 ? END : f.data());
                    case Wire.SIZE, Wire.MODE_SET -> replies.offer(f);
                    case Wire.RESIZED -> {
                        Terminal.ResizeListener l = resizes;
                        if (l != null && f.data().length >= 8) {
                            try {
                                l.resized(f.u32(0), f.u32(4));
                            } catch (RuntimeException e) {
                                LOG.debug("command socket: resize to {}x{}: {}", f.u32(0), f.u32(4), e.toString());
                            }
                        }
                    }
                    default -> throw new IOException("unexpected frame type '" + (char) f.type() + "'");
                }
            }
        } catch (IOException e) {
            stdin.add(END);
            if (!finished) {
                invocation.cancel();
                worker.interrupt();
            }
        }
    }

    private Wire.Frame await(byte type) {
        try {
            Wire.Frame f = replies.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (f == null || f.type() != type) {
                throw new UncheckedIOException(new IOException("the client did not answer about its terminal"));
            }
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("the client went away"));
        }
    }

    private void send(byte type, byte... data) {
        try {
            Wire.writeFrame(out, type, data, 0, data.length);
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away: " + e.getMessage(), e);
        }
    }

    private static void write(OutputStream to, String text) {
        try {
            to.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Output to the client, a frame per write. */
    private final class FrameStream extends OutputStream {
        private final byte type;

        FrameStream(byte type) {
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, Wire.MAX_FRAME);
                Wire.writeFrame(out, type, b, off, n);
                off += n;
                len -= n;
            }
        }
    }

    /** The client's stdin, asked for on the first read. */
    private final class RemoteStdin extends InputStream {
        private byte[] current = new byte[0];
        private int position;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!stdinWanted) {
                stdinWanted = true;
                Wire.writeFrame(out, Wire.WANT_STDIN, new byte[0], 0, 0);
            }
            while (position == current.length) {
                if (ended) {
                    return -1;
                }
                try {
                    current = stdin.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the client's stdin");
                }
                position = 0;
                if (current == END) {
                    ended = true;
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    /** The client's terminal, asked about and set through the client. */
    private final class RemoteTerminal implements Terminal {
        @Override
        public synchronized int[] size() {
            send(Wire.QUERY_SIZE);
            Wire.Frame f = await(Wire.SIZE);
            int rows = f.u32(0);
            int cols = f.u32(4);
            return rows == 0 && cols == 0 ? null : new int[] {rows, cols};
        }

        @Override
        public synchronized Restore raw() {
            send(Wire.TERMINAL_MODE, (byte) 1);
            await(Wire.MODE_SET);
            return () -> {
                synchronized (RemoteTerminal.this) {
                    try {
                        send(Wire.TERMINAL_MODE, (byte) 0);
                        await(Wire.MODE_SET);
                    } catch (UncheckedIOException gone) {
                        // the client went away; its own exit restores its terminal
                    }
                }
            };
        }

        @Override
        public Restore watchSize(ResizeListener listener) {
            resizes = listener;
            send(Wire.WATCH_SIZE, (byte) 1);
            return () -> {
                resizes = null;
                try {
                    send(Wire.WATCH_SIZE, (byte) 0);
                } catch (UncheckedIOException gone) {
                    // nothing left to stop
                }
            };
        }
    }
}
