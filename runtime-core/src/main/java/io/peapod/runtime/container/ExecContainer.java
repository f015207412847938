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
        return execute(id, process, stdio, null);
    }

    /**
     * @param timeout null to wait as long as it takes; else the process is killed when it runs
     *                longer and {@link java.util.concurrent.TimeoutException} is thrown (wrapped
     *                in {@link ExecTimeoutException})
     */
    int execute(String id, Process process, Map<Integer, String> stdio, java.time.Duration timeout) {
        ContainerRecord r = new ContainerStates(ctx).current(id);
        if (!r.status().canExec()) {
            throw new FailedPreconditionException("container " + id + " is " + r.status().ociName()
                    + "; exec needs a running container");
        }
        if (process.args == null || process.args.isEmpty()) {
            throw new InvalidArgumentException("exec in container " + id + ": no command given");
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
        for (Map.Entry<Integer, String> e : stdio.entrySet()) {
            plan.op("STDIO", e.getKey().toString(), e.getValue());
        }
        if (Boolean.TRUE.equals(process.terminal)) {
            plan.op("TTY");
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
            if (timeout == null) {
                return ctx.helper().execAndWait(planFile, CreateContainer.redirect(io, 0),
                        CreateContainer.redirect(io, 1), CreateContainer.redirect(io, 2));
            }
            try {
                return ctx.helper().execAndWait(planFile, CreateContainer.redirect(io, 0),
                        CreateContainer.redirect(io, 1), CreateContainer.redirect(io, 2), timeout);
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
