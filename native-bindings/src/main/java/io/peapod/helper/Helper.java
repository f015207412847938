package io.peapod.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the helper. The helper writes its one result line ({@code ok PID MONITORPID} or
 * {@code error STEP SYSCALL ERRNO TEXT}) to a result file beside the plan, so that its own
 * stdin/stdout/stderr ({@code in}, {@code out}, {@code err}) are free for a container
 * whose plan says {@code STDIO fd -}. Do not pass {@link Redirect#PIPE}: nobody would read it.
 */
public final class Helper {
    private static final Logger LOG = LoggerFactory.getLogger(Helper.class);
    private static final Redirect DEV_NULL_IN = Redirect.from(new java.io.File("/dev/null"));

    private final Path binary;

    public Helper() {
        this(HelperBinary.locate());
    }

    public Helper(Path binary) {
        this.binary = binary;
    }

    public Path binary() {
        return binary;
    }

    /** {@code peapod-helper create}: returns once the container is created (and, with START now, running). */
    public Created create(Path planFile, Redirect in, Redirect out, Redirect err) {
        Process process = launch("create", planFile, in, out, err);
        Created created = awaitResult(process, planFile);
        awaitExit(process);
        return created;
    }

    /** {@code create} with the helper's stdio on /dev/null. */
    public Created create(Path planFile) {
        return create(planFile, DEV_NULL_IN, Redirect.DISCARD, Redirect.DISCARD);
    }

    /** {@code peapod-helper exec} of a {@code MONITOR yes} plan: returns once the process runs. */
    public Created exec(Path planFile, Redirect in, Redirect out, Redirect err) {
        return create(planFile, in, out, err, "exec");
    }

    /**
     * {@code peapod-helper exec} of a {@code MONITOR no} plan: the helper stays the process's
     * parent; this waits for it and returns its exit code (128 + signal when killed).
     */
    public int execAndWait(Path planFile, Redirect in, Redirect out, Redirect err) {
        Process process = launch("exec", planFile, in, out, err);
        Created created = awaitResult(process, planFile);
        LOG.debug("exec'd process {} runs", created.pid());
        return awaitExit(process);
    }

    /**
     * As {@link #execAndWait(Path, Redirect, Redirect, Redirect)}, but a process still running
     * after {@code timeout} is killed (SIGKILL) and {@link java.util.concurrent.TimeoutException}
     * is thrown once it is gone.
     */
    public int execAndWait(Path planFile, Redirect in, Redirect out, Redirect err, java.time.Duration timeout)
            throws java.util.concurrent.TimeoutException {
        Process process = launch("exec", planFile, in, out, err);
        Created created = awaitResult(process, planFile);
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return process.exitValue();
            }
            kill(created.pid(), 9);
            process.waitFor();
            throw new java.util.concurrent.TimeoutException("process " + created.pid() + " (plan " + planFile
                    + ") still ran after " + timeout.toMillis() + " ms and was killed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(created.pid(), 9);
            throw new IllegalStateException("interrupted while waiting for peapod-helper", e);
        }
    }

    /** Releases a {@code MONITOR no}, {@code START wait} container through STATE_DIR/exec.fifo. */
    public void startViaFifo(Path stateDir) {
        List<String> command = List.of(binary.toString(), "start", stateDir.toString());
        String line = runForLine(command);
        if (!line.strip().equals("ok")) {
            throw line.startsWith("error ") ? HelperException.parse(line)
                    : new IllegalStateException("peapod-helper start " + stateDir + " answered \"" + line.strip() + "\"");
        }
    }

    /**
     * {@code peapod-helper kill}: sends {@code signal} to {@code pid}. Costs a fork and exec but
     * no libc binding, which keeps it cheap on the command line's short-lived paths.
     * A process that is already gone (ESRCH) is not an error.
     */
    public void kill(int pid, int signal) {
        String line = runForLine(List.of(binary.toString(), "kill", Integer.toString(pid), Integer.toString(signal)));
        if (line.isBlank()) {
            return;
        }
        HelperException e = HelperException.parse(line.strip());
        if (e.errno() != 3) {
            throw e;
        }
    }

    private Created create(Path planFile, Redirect in, Redirect out, Redirect err, String mode) {
        Process process = launch(mode, planFile, in, out, err);
        Created created = awaitResult(process, planFile);
        awaitExit(process);
        return created;
    }

    private Process launch(String mode, Path planFile, Redirect in, Redirect out, Redirect err) {
        if (in.type() == Redirect.Type.PIPE || out.type() == Redirect.Type.PIPE || err.type() == Redirect.Type.PIPE) {
            throw new IllegalArgumentException("peapod-helper " + mode + " " + planFile
                    + ": stdio redirects must not be PIPE (nobody would serve it); use INHERIT, DISCARD or a file");
        }
        Path result = resultFile(planFile);
        List<String> command = new ArrayList<>(List.of(binary.toString(), mode, planFile.toString(), result.toString()));
        try {
            Files.deleteIfExists(result);
            LOG.debug("running {}", command);
            return new ProcessBuilder(command).redirectInput(in).redirectOutput(out).redirectError(err).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    private static Path resultFile(Path planFile) {
        return planFile.resolveSibling(planFile.getFileName() + ".result");
    }

    /** Polls the result file until it holds a whole line or the helper has exited without one. */
    private static Created awaitResult(Process process, Path planFile) {
        Path result = resultFile(planFile);
        try {
            for (;;) {
                boolean exited = process.waitFor(2, TimeUnit.MILLISECONDS);
                String line = readLine(result);
                if (line != null) {
                    Files.deleteIfExists(result);
                    return Created.parse(line);
                }
                if (exited) {
                    throw new IllegalStateException("peapod-helper for plan " + planFile + " exited with status "
                            + process.exitValue() + " without a result line");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for peapod-helper (plan " + planFile + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + result, e);
        }
    }

    private static String readLine(Path result) throws IOException {
        try {
            String text = Files.readString(result, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            return nl < 0 ? null : text.substring(0, nl);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static int awaitExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for peapod-helper", e);
        }
    }

    private static String runForLine(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(DEV_NULL_IN)
                    .redirectError(Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
