package io.peapod.cli.common;

import io.peapod.runtime.Engine;
import io.peapod.runtime.EngineConfig;
import io.peapod.runtime.network.CniOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the engine's state lives, shared by every command that needs the engine. The
 * invocation's host decides where the engine comes from: opened in this process, or lent by
 * the daemon that runs the command for a client.
 */
public final class EngineOptions {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/peapod");
    public static final Path DEFAULT_STATE = Path.of("/run/peapod");

    /** Null when not given: the daemon's root, or {@link #DEFAULT_ROOT} without a daemon. */
    @Option(names = "--root", description = "persistent state directory (default: /var/lib/peapod, or the "
            + "daemon's)")
    public Path root;

    @Option(names = "--state", description = "volatile state directory; a daemon serving it answers on "
            + "<state>/cli.sock (default: ${DEFAULT-VALUE})", defaultValue = "/run/peapod")
    public Path state;

    /** Null when not given: the daemon's, or /etc/cni/net.d without a daemon. */
    @Option(names = "--cni-conf-dir", description = "CNI network configurations for pods and run --network cni "
            + "(default: /etc/cni/net.d, or the daemon's)")
    public Path cniConfDir;

    public EngineConfig config() {
        EngineConfig d = EngineConfig.defaults();
        CniOptions cni = cniConfDir == null ? d.cni()
                : new CniOptions(cniConfDir, d.cni().binDirs(), d.cni().cacheDir(), d.cni().timeout());
        return new EngineConfig(root == null ? DEFAULT_ROOT : root, state, cni, d.registries(), d.cgroupParent());
    }

    /** The engine for this command; close it when done. */
    public Engine open() {
        return Invocation.current().host().engine(this);
    }
}
