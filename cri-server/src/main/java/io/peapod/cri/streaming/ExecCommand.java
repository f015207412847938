package io.peapod.cri.streaming;

import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.ExecSession;
import io.peapod.runtime.spec.Box;
import io.peapod.runtime.spec.Process;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CRI Exec behind a streaming connection: an {@link ExecSession} whose stdout and stderr are
 * pumped to the client by one thread each (blocking while the client's buffer is full), and
 * whose stdin is fed by a writer thread so that a process that does not read never blocks
 * the event loop.
 *
 * <p>With a terminal, the client's first resize message is its terminal's size (kubectl and
 * crictl send it as soon as the streams are up). The process is started with that size, so
 * that it is right from the process's first instruction, after waiting for it at most
 * {@link #INITIAL_SIZE_WAIT_MILLIS}; a client that sends none gets the terminal without a size.
 */
final class ExecCommand extends RemoteCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ExecCommand.class);
    private static final byte[] EOF = new byte[0];
    private static final long INITIAL_SIZE_WAIT_MILLIS = 250;

    private final ContainerRuntime containers;
    private final StreamRequest.Exec request;
    private final RemoteCommandClient client;
    private final LinkedBlockingQueue<byte[]> stdinQueue = new LinkedBlockingQueue<>();
    private volatile ExecSession session;
    private volatile boolean gone;
    private int[] pendingSize;

    ExecCommand(ContainerRuntime containers, StreamRequest.Exec request, RemoteCommandClient client) {
        this.containers = containers;
        this.request = request;
        this.client = client;
    }

    @Override
    void start() {
        thread("exec-" + shortId(), this::run).start();
    }

    private String shortId() {
        return request.containerId().substring(0, Math.min(12, request.containerId().length()));
    }

    private void run() {
        ExecSession s;
        int[] initialSize = request.tty() ? awaitInitialSize() : null;
        try {
            Process process = containers.execProcess(request.containerId(), request.cmd(), null, null, null, null,
                    request.tty());
            if (initialSize != null) {
                process.consoleSize = new Box(initialSize[0], initialSize[1]);
            }
            s = containers.execSession(request.containerId(), process, request.stdin());
        } catch (RuntimeException e) {
            LOG.info("exec {} in container {} failed: {}", request.cmd(), request.containerId(), e.getMessage());
            client.finishError("exec " + request.cmd() + " in container " + request.containerId() + ": "
                    + e.getMessage());
            return;
        }
        synchronized (this) {
            session = s;
            if (pendingSize != null && pendingSize != initialSize && s.tty()) {
                // resized again while the process was starting
                applyResize(pendingSize[0], pendingSize[1]);
            }
        }
        if (gone) {
            s.close();
            return;
        }
        Thread err = null;
        if (!s.tty()) {
            err = thread("exec-" + shortId() + "-stderr", () -> pump(s.stderr(), RemoteCommandClient.STDERR,
                    request.stderr()));
            err.start();
        }
        if (s.stdin() != null) {
            thread("exec-" + shortId() + "-stdin", () -> feed(s.stdin())).start();
        }
        pump(s.stdout(), RemoteCommandClient.STDOUT, request.stdout());
        try {
            if (err != null) {
                err.join();
            }
            int code = s.waitFor();
            if (!gone) {
                client.finishExit(code);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stdinQueue.offer(EOF);
            s.close();
        }
    }

    /** The first size the client sent (rows, columns), or null when none came in time. */
    private synchronized int[] awaitInitialSize() {
        long deadline = System.nanoTime() + INITIAL_SIZE_WAIT_MILLIS * 1_000_000;
        try {
            for (long left; pendingSize == null && !gone && (left = deadline - System.nanoTime()) > 0; ) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pendingSize;
    }

    private void pump(InputStream in, int stream, boolean wanted) {
        byte[] buf = new byte[65536];
        try {
            for (;;) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    return;
                }
                if (!wanted || gone) {
                    continue;
                }
                if (!client.awaitWritable()) {
                    clientGone();
                    continue;
                }
                client.send(stream, buf, n);
            }
        } catch (IOException e) {
            LOG.debug("exec output of container {} ended: {}", request.containerId(), e.toString());
        }
    }

    private void feed(OutputStream out) {
        try {
            for (;;) {
                byte[] data = stdinQueue.take();
                if (data == EOF) {
                    break;
                }
                out.write(data);
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("exec stdin of container {} closed: {}", request.containerId(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing exec stdin: {}", e.toString());
            }
        }
    }

    @Override
    void stdin(byte[] data) {
        if (request.stdin() && data.length > 0) {
            stdinQueue.offer(data);
        }
    }

    @Override
    void stdinClosed() {
        stdinQueue.offer(EOF);
    }

    @Override
    synchronized void resize(int width, int height) {
        if (session == null) {
            pendingSize = new int[] {height, width};
            notifyAll();
        } else if (session.tty()) {
            applyResize(height, width);
        }
    }

    private void applyResize(int rows, int cols) {
        try {
            session.resize(rows, cols);
        } catch (RuntimeException e) {
            LOG.debug("resize of exec in container {} to {}x{}: {}", request.containerId(), rows, cols, e.toString());
        }
    }

    @Override
    void clientGone() {
        if (gone) {
            return;
        }
        gone = true;
        stdinQueue.offer(EOF);
        ExecSession s = session;
        if (s != null && s.isAlive()) {
            LOG.info("streaming client of exec {} in container {} went away; killing pid {}", request.cmd(),
                    request.containerId(), s.pid());
            thread("exec-" + shortId() + "-kill", s::close).start();
        }
    }
}
