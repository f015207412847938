package io.peapod.cli.common;

import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.errors.FailedPreconditionException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the engine's state lives, shared by every command that needs the engine. This is
 * the seam between the command line and the runtime: today the engine is embedded (opened
 * in this process, holding the root's lock); a daemon client would be chosen here.
 */
public final class EngineOptions {
    @Option(names = "--root", description = "persistent state directory (default: ${DEFAULT-VALUE})",
            defaultValue = "/var/lib/peapod")
    public Path root;

    @Option(names = "--state", description = "volatile state directory (default: ${DEFAULT-VALUE})",
            defaultValue = "/run/peapod")
    public Path state;

    public EngineConfig config() {
        EngineConfig d = EngineConfig.defaults();
        return new EngineConfig(root, state, d.cni(), d.registries(), d.cgroupParent());
    }

    /** Opens the embedded engine, or says plainly that a daemon owns the store. */
    public Engine open() {
        try {
            return Engine.open(config());
        } catch (FailedPreconditionException e) {
            throw new FailedPreconditionException(e.getMessage() + " (this peapod cannot act as a client of a "
                    + "running daemon yet)");
        }
    }
}
