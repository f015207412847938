package io.peapod.cli.common;

import io.peapod.kube.RunningPod;
import io.peapod.runtime.Engine;
import java.util.Optional;

/**
 * No daemon: each command opens the engine in its own process, holding the root's lock while
 * it runs. Pods it starts are left running under their containers' monitors when it ends.
 */
public final class EmbeddedHost implements Invocation.Host {
    public static final EmbeddedHost INSTANCE = new EmbeddedHost();

    @Override
    public Engine engine(EngineOptions requested) {
        return Engine.open(requested.config());
    }

    @Override
    public void supervise(RunningPod pod) {
        pod.detach();
    }

    @Override
    public Optional<RunningPod> release(String sandboxId) {
        return Optional.empty();
    }

    @Override
    public String mode() {
        return "embedded (no daemon answers; this process opened the store)";
    }

    @Override
    public boolean keepsSupervising() {
        return false;
    }
}
