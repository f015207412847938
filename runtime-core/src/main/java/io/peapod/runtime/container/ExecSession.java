package io.peapod.runtime.container;

import io.peapod.helper.HelperException;
import io.peapod.helper.Plan;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Spec;
import io.peapod.sys.LinuxSyscalls;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One more process in a running container with its stdio reachable from Java, for
 * interactive exec (CRI Exec). The helper runs it in {@code exec} mode without a monitor and
 * stays its parent, so the caller gets its exit code when the helper exits. Without a
 * terminal, the process's stdin, stdout and stderr are the helper's own pipes to this JVM
 * (back-pressure included: a slow reader slows the process). With a terminal, the helper
 * opens a pty in the container (the process sees a {@code /dev/pts/N} of its own as
 * controlling terminal and stdio), sends the master over a console socket and this session
 * owns it. Give the caller's terminal size as {@code process.consoleSize}: it is set before
 * the process starts, so even its first {@code stty size} sees it; {@link #resize} changes it
 * later (the kernel sends SIGWINCH to the terminal's foreground process group).
 *
 * <p>Close it in every case: closing kills a process that still runs and releases the pty.
 */
public final class ExecSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
    private static final int SIGKILL = 9;

    private final String containerId;
    private final java.lang.Process helper;
    private final int pid;
    private final PtyMaster pty;
    private final InputStream stdout;
    private final InputStream stderr;
    private final OutputStream stdin;

    private ExecSession(String containerId, java.lang.Process helper, int pid, PtyMaster pty, boolean withStdin) {
        this.containerId = containerId;
        this.helper = helper;
        this.pid = pid;
        this.pty = pty;
        if (pty != null) {
            this.stdout = pty.input();
            this.stderr = InputStream.nullInputStream();
            this.stdin = withStdin ? pty.output() : null;
        } else {
            this.stdout = helper.getInputStream();
            this.stderr = helper.getErrorStream();
            this.stdin = withStdin ? helper.getOutputStream() : null;
        }
    }

    /**
     * Starts {@code process} in container {@code id}; returns once it runs.
     *
     * @param withStdin keep the process's stdin open for {@link #stdin()}; else it reads /dev/null
     */
    static ExecSession start(RuntimeContext ctx, String id, Process process, boolean withStdin) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (!r.status().canExec()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; exec needs a running container");
        }
        if (process.args == null || process.args.isEmpty()) {
            throw new InvalidArgumentException("exec in container " + id + ": no command given");
        }
        boolean tty = Boolean.TRUE.equals(process.terminal);
        Spec spec = new ExecContainer(ctx).specOf(id);
        Path dir = ctx.store().directoryOf(id);
        String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
        Path planFile = dir.resolve("x-" + tag + ".plan");
        Path resultFile = dir.resolve("x-" + tag + ".plan.result");
        Path console = dir.resolve("x-" + tag + ".s");

        Plan plan = new Plan();
        plan.op("ID", id);
        plan.op("MONITOR", "no");
        String proc = "/proc/" + r.pid() + "/ns/";
        for (LinuxNamespace ns : spec.linux().namespaces()) {
            String name = ns.type.equals(LinuxNamespace.NETWORK) ? "net"
                    : ns.type.equals(LinuxNamespace.MOUNT) ? "mnt" : ns.type;
            plan.op("NS_JOIN", name, proc + name);
        }
        if (r.cgroupPath() != null) {
            for (Path p : ctx.cgroups().apply(r.cgroupPath()).procsFiles()) {
                plan.op("CGROUP_PROCS", p.toString());
            }
        }
        if (!SpecToPlan.terminal(plan, process, console)) {
            plan.op("STDIO", "0", withStdin ? "-" : "/dev/null");
            plan.op("STDIO", "1", "-");
            plan.op("STDIO", "2", "-");
        }
        new SpecToPlan(ctx.limits()).processSteps(plan, process, spec);

        int listener = -1;
        java.lang.Process helper = null;
        try {
            plan.write(planFile);
            if (tty) {
                listener = PtyMaster.listen(console);
            }
            Redirect devNull = Redirect.from(new File("/dev/null"));
            List<String> command = new ArrayList<>(List.of(ctx.helper().binary().toString(), "exec",
                    planFile.toString(), resultFile.toString()));
            ProcessBuilder pb = new ProcessBuilder(command);
            if (tty) {
                pb.redirectInput(devNull).redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
            } else if (!withStdin) {
                pb.redirectInput(devNull);
            }
            helper = pb.start();
            int pid = awaitResult(helper, resultFile, id);
            PtyMaster pty = tty ? PtyMaster.receive(listener, console) : null;
            LOG.debug("exec session in container {}: pid {}, tty {}", id, pid, tty);
            ExecSession session = new ExecSession(id, helper, pid, pty, withStdin);
            helper = null;
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start an exec session in container " + id, e);
        } finally {
            if (helper != null) {
                helper.destroyForcibly();
                waitQuietly(helper);
            }
            if (listener >= 0) {
                PtyMaster.closeFd(listener);
            }
            deleteQuietly(console);
            deleteQuietly(planFile);
            deleteQuietly(resultFile);
        }
    }

    private static int awaitResult(java.lang.Process helper, Path resultFile, String id) throws IOException {
        try {
            for (;;) {
                boolean exited = helper.waitFor(1, TimeUnit.MILLISECONDS);
                String line = readLine(resultFile);
                if (line != null) {
                    String s = line.strip();
                    if (s.startsWith("error ")) {
                        throw HelperException.parse(s);
                    }
                    String[] parts = s.split(" ");
                    if (parts.length != 3 || !parts[0].equals("ok")) {
                        throw new IllegalStateException("peapod-helper exec in container " + id
                                + " printed an unexpected result line: \"" + s + "\"");
                    }
                    return Integer.parseInt(parts[1]);
                }
                if (exited) {
                    throw new IllegalStateException("peapod-helper exec in container " + id + " exited with status "
                            + helper.exitValue() + " without a result line");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting an exec session in container " + id, e);
        }
    }

    private static String readLine(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return nl < 0 ? null : text.substring(0, nl);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.toString());
        }
    }

    private static void waitQuietly(java.lang.Process p) {
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String containerId() {
        return containerId;
    }

    /** Host pid of the exec'd process. */
    public int pid() {
        return pid;
    }

    public boolean tty() {
        return pty != null;
    }

    /** The process's stdin, or null when the session was started without one. Close it to send EOF. */
    public OutputStream stdin() {
        return stdin;
    }

    /** The process's stdout (with a terminal: everything the terminal shows). */
    public InputStream stdout() {
        return stdout;
    }

    /** The process's stderr; empty with a terminal. */
    public InputStream stderr() {
        return stderr;
    }

    /** Sets the terminal size; a session without a terminal refuses. */
    public void resize(int rows, int cols) {
        if (pty == null) {
            throw new FailedPreconditionException("exec session in container " + containerId
                    + " has no terminal to resize");
        }
        pty.resize(rows, cols);
    }

    /** Waits for the process; returns its exit code (128+signal when killed). */
    public int waitFor() {
        try {
            return helper.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for exec in container " + containerId, e);
        }
    }

    /** The exit code if the process ended within {@code timeout}. */
    public OptionalInt waitFor(Duration timeout) {
        try {
            return helper.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(helper.exitValue())
                    : OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for exec in container " + containerId, e);
        }
    }

    public boolean isAlive() {
        return helper.isAlive();
    }

    /** Kills the process if it still runs, waits for it, and releases the terminal. */
    @Override
    public void close() {
        if (helper.isAlive()) {
            try {
                LinuxSyscalls.get().kill(pid, SIGKILL);
            } catch (RuntimeException e) {
                LOG.debug("kill {} of exec in container {}: {}", pid, containerId, e.toString());
            }
            if (waitFor(Duration.ofSeconds(5)).isEmpty()) {
                helper.destroyForcibly();
                waitQuietly(helper);
            }
        }
        if (pty != null) {
            pty.close();
        }
        closeQuietly(helper.getOutputStream());
        closeQuietly(helper.getInputStream());
        closeQuietly(helper.getErrorStream());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing exec session stream: {}", e.toString());
        }
    }
}
