package io.peapod.cli.common;

import io.peapod.kube.RunningPod;
import io.peapod.runtime.Engine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One run of a command: its standard streams, working directory, environment and terminal,
 * and the host that gives it an engine. Run from a shell, all of it is this process's own;
 * run by a daemon on a client's behalf, the streams and terminal are the client's, relayed
 * over the command socket, and the engine is the daemon's.
 *
 * <p>Commands take their invocation with {@link #current()} on the thread picocli calls them
 * on, and hand it to any threads of their own.
 */
public final class Invocation {
    /** Where a command's engine comes from, and who supervises the pods it runs. */
    public interface Host {
        /** The engine over the directories {@code requested} names; closing it is always right. */
        Engine engine(EngineOptions requested);

        /** A pod run from a manifest is handed here once it is up. */
        void supervise(RunningPod pod);

        /**
         * Stops supervising the pod with this sandbox id and returns it, so that the caller can
         * stop it; empty when this host does not supervise it.
         */
        Optional<RunningPod> release(String sandboxId);

        /** How commands run here, for {@code peapod info}. */
        String mode();

        /** True when pods handed to {@link #supervise} keep being supervised after the command ends. */
        boolean keepsSupervising();
    }

    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final Path cwd;
    private final Map<String, String> env;
    private final Terminal terminal;
    private final Host host;
    private final java.util.List<AutoCloseable> onCancel = new java.util.ArrayList<>();
    private boolean cancelled;

    public Invocation(InputStream stdin, OutputStream stdout, OutputStream stderr, Path cwd, Map<String, String> env,
                      Terminal terminal, Host host) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = Map.copyOf(env);
        this.terminal = terminal;
        this.host = host;
    }

    /** The invocation the calling thread runs for: the process's own unless a daemon set one. */
    public static Invocation current() {
        Invocation i = CURRENT.get();
        return i != null ? i : new Invocation(System.in, System.out, System.err, Path.of("").toAbsolutePath(),
                System.getenv(), new LocalTerminal(), EmbeddedHost.INSTANCE);
    }

    /** Runs {@code body} as {@code invocation} on this thread. */
    public static <T> T runAs(Invocation invocation, Supplier<T> body) {
        Invocation before = CURRENT.get();
        CURRENT.set(invocation);
        try {
            return body.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }

    /** The caller's stdin; a daemon asks the client for it only when a command first reads it. */
    public InputStream stdin() {
        return stdin;
    }

    public OutputStream stdout() {
        return stdout;
    }

    public OutputStream stderr() {
        return stderr;
    }

    /** The caller's working directory: relative paths in arguments are relative to it. */
    public Path cwd() {
        return cwd;
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name));
    }

    public Terminal terminal() {
        return terminal;
    }

    public Host host() {
        return host;
    }

    /**
     * Closes {@code resource} if the caller goes away before the command ends (a client that
     * disconnects, or is interrupted with Ctrl-C): for commands that wait on something an
     * interrupt does not reach, such as a listening socket. At once if that already happened.
     */
    public void closeOnCancel(AutoCloseable resource) {
        synchronized (onCancel) {
            if (!cancelled) {
                onCancel.add(resource);
                return;
            }
        }
        closeQuietly(resource);
    }

    /** The caller went away: closes what commands registered with {@link #closeOnCancel}. */
    public void cancel() {
        java.util.List<AutoCloseable> toClose;
        synchronized (onCancel) {
            cancelled = true;
            toClose = java.util.List.copyOf(onCancel);
            onCancel.clear();
        }
        toClose.forEach(Invocation::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // the command sees its resource closed, which is all that cancelling asks
        }
    }
}
