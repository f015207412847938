package io.peapod.cli.remote;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.kube.RunningPod;
import io.peapod.kube.StaticPods;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.FailedPreconditionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon as the host of its clients' commands: they all use the daemon's engine, and pods
 * they run from manifests stay supervised (probes, restarts) by the daemon after the command
 * ends, as static pods are.
 */
public final class DaemonHost implements Invocation.Host {
    private final Engine engine;
    private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
    private volatile StaticPods statics;

    public DaemonHost(Engine engine) {
        this.engine = engine;
    }

    /** The static pods the daemon runs, which commands must not stop (their files decide). */
    public void staticPods(StaticPods staticPods) {
        this.statics = staticPods;
    }

    @Override
    public Engine engine(EngineOptions requested) {
        Path root = engine.config().root();
        Path state = engine.config().state();
        if (requested.root != null && !same(requested.root, root)) {
            throw new FailedPreconditionException("the peapod daemon serving " + state + " uses root " + root
                    + ", not " + requested.root + ": leave --root out, or stop the daemon to use another root");
        }
        if (!same(requested.state, state)) {
            throw new FailedPreconditionException("the peapod daemon answering this command serves state " + state
                    + ", not " + requested.state);
        }
        Path cniConfDir = engine.config().cni().confDir();
        if (requested.cniConfDir != null && !same(requested.cniConfDir, cniConfDir)) {
            throw new FailedPreconditionException("the peapod daemon serving " + state + " uses CNI config dir "
                    + cniConfDir + ", not " + requested.cniConfDir + ": leave --cni-conf-dir out, or stop the daemon");
        }
        return engine.lent();
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    @Override
    public void supervise(RunningPod pod) {
        pods.put(pod.sandboxId(), pod);
    }

    @Override
    public Optional<RunningPod> release(String sandboxId) {
        StaticPods s = statics;
        if (s != null) {
            for (var e : s.pods().entrySet()) {
                if (e.getValue().sandboxId().equals(sandboxId)) {
                    throw new FailedPreconditionException("pod " + e.getValue().name() + " is a static pod from "
                            + e.getKey() + ": remove or change that file to stop it");
                }
            }
        }
        return Optional.ofNullable(pods.remove(sandboxId));
    }

    @Override
    public String mode() {
        return "client of the daemon (pid " + ProcessHandle.current().pid() + ")";
    }

    @Override
    public boolean keepsSupervising() {
        return true;
    }

    /**
     * The daemon is stopping: its pods stop being supervised but keep running under their
     * monitors, as they would after a command run without a daemon.
     */
    public void detachAll() {
        List<RunningPod> all = new ArrayList<>(pods.values());
        pods.clear();
        all.forEach(RunningPod::detach);
    }
}
