package io.peapod.runtime.container;

import io.peapod.helper.Helper;
import io.peapod.helper.Plan;
import io.peapod.runtime.errors.FailedPreconditionException;
import io.peapod.runtime.errors.InvalidArgumentException;
import io.peapod.runtime.spec.LinuxNamespace;
import io.peapod.runtime.spec.Process;
import io.peapod.runtime.spec.Spec;
import io.peapod.runtime.spec.SpecIO;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One more process in a running container: it joins every namespace the container
 * has, its cgroup, and runs with the identity the process spec gives.
 */
final class ExecContainer {
    private final RuntimeContext ctx;

    ExecContainer(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    /** The spec the container was created with. */
    Spec specOf(String id) {
        return SpecIO.read(ctx.store().directoryOf(id).resolve(CreateContainer.SPEC_FILE));
    }

    /**
     * Runs {@code process} in the container with the given stdio and waits for it.
     *
     * @return the exit code (128+signal when killed)
     */
    int execute(String id, Process process, Map<Integer, String> stdio) {
        return execute(id, process, stdio, null, null, false, null);
    }

    /**
     * @param timeout null to wait as long as it takes; else the process is killed when it runs
     *                longer and {@link ExecTimeoutException} is thrown
     */
    int execute(String id, Process process, Map<Integer, String> stdio, java.time.Duration timeout) {
        return execute(id, process, stdio, null, null, false, timeout);
    }

    /**
     * runc's exec: as {@link #execute(String, Process, Map)}, with the pty master sent to
     * {@code consoleSocket} when the process has a terminal, the process's host pid written
     * to {@code pidFile}, and with {@code detach} no waiting: the process is left to the
     * caller's subreaper (conmon waits for it) and 0 is returned.
     */
    int execute(String id, Process process, Map<Integer, String> stdio, Path consoleSocket, Path pidFile,
                boolean detach) {
        return execute(id, process, stdio, consoleSocket, pidFile, detach, null);
    }

    private int execute(String id, Process process, Map<Integer, String> stdio, Path consoleSocket, Path pidFile,
                        boolean detach, java.time.Duration timeout) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (!r.status().canExec()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; exec needs a running container");
        }
        if (process.args == null || process.args.isEmpty()) {
            throw new InvalidArgumentException("exec in container " + id + ": no command given");
        }
        boolean tty = Boolean.TRUE.equals(process.terminal);
        if (tty && consoleSocket == null && detach) {
            throw new InvalidArgumentException("exec in container " + id
                    + ": a detached process with a terminal needs --console-socket");
        }
        Spec spec = specOf(id);
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
            List<Path> procs = ctx.cgroups().apply(r.cgroupPath()).procsFiles();
            for (Path p : procs) {
                plan.op("CGROUP_PROCS", p.toString());
            }
        }
        if (!SpecToPlan.terminal(plan, process, consoleSocket)) {
            for (Map.Entry<Integer, String> e : stdio.entrySet()) {
                plan.op("STDIO", e.getKey().toString(), e.getValue());
            }
        }
        if (pidFile != null) {
            plan.op("PID_FILE", pidFile.toAbsolutePath().toString());
        }
        new SpecToPlan(ctx.limits()).processSteps(plan, process, spec);
        Path planFile;
        try {
            planFile = Files.createTempFile(ctx.store().directoryOf(id), "exec-", ".plan");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write exec plan for container " + id, e);
        }
        try {
            plan.write(planFile);
            CreateOptions io = new CreateOptions(stdio, null, null, null, false, false);
            Redirect in = CreateContainer.redirect(io, 0);
            Redirect out = CreateContainer.redirect(io, 1);
            Redirect err = CreateContainer.redirect(io, 2);
            if (detach) {
                // the helper's create mode on an exec plan: START now, and it exits at once
                ctx.helper().create(planFile, in, out, err);
                return 0;
            }
            if (timeout == null) {
                return ctx.helper().execAndWait(planFile, in, out, err);
            }
            try {
                return ctx.helper().execAndWait(planFile, in, out, err, timeout);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new ExecTimeoutException("exec in container " + id + ": " + e.getMessage());
            }
        } finally {
            try {
                Files.deleteIfExists(planFile);
            } catch (IOException ignored) {
                // a stale plan file in the state directory goes with the container
            }
        }
    }

    /** A process spec for an exec: the container's own process with the given command and overrides. */
    Process processFor(String id, List<String> args, List<String> extraEnv, String cwd, Long uid, Long gid,
                       boolean tty) {
        Spec spec = specOf(id);
        Process p = SpecIO.copy(spec).process;
        p.args = args;
        p.terminal = tty;
        // the container's console size is not the size of the exec caller's terminal
        p.consoleSize = null;
        if (extraEnv != null && !extraEnv.isEmpty()) {
            java.util.List<String> env = new java.util.ArrayList<>(p.env == null ? List.of() : p.env);
            for (String e : extraEnv) {
                String key = e.contains("=") ? e.substring(0, e.indexOf('=') + 1) : e + "=";
                env.removeIf(x -> x.startsWith(key));
                env.add(e);
            }
            p.env = env;
        }
        if (cwd != null) {
            p.cwd = cwd;
        }
        if (uid != null) {
            p.user.uid = uid;
            p.user.gid = gid == null ? p.user.gid : gid;
            p.user.additionalGids = null;
        }
        return p;
    }
}
