package io.peapod.cli.oci;

import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.RuntimeContext;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code peapod oci}: the runc command set, so that other orchestrators can drive
 * peapod as their OCI runtime. Kept free of gRPC and Netty: it is called several
 * times per container and its start-up time is the orchestrator's latency.
 */
@Command(name = "oci", description = "runc-compatible OCI runtime commands.",
        subcommands = {OciCreate.class, OciStart.class, OciState.class, OciKill.class, OciDelete.class,
            OciRun.class, OciList.class, OciSpec.class, OciPause.class, OciResume.class, OciExec.class,
            OciPs.class, OciUpdate.class, OciEvents.class, OciFeatures.class},
        versionProvider = OciCommand.VersionLines.class)
public final class OciCommand {
    /** The runc-compatible --version lines. */
    static final class VersionLines implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = io.peapod.cli.Version.current();
            return new String[] {"runc version " + v, "commit: peapod-" + v, "spec: " + OciFeatures.SPEC_VERSION};
        }
    }

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "print the version")
    boolean versionRequested;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean helpRequested;

    @Option(names = "--root", description = "state directory (default ${DEFAULT-VALUE})",
            defaultValue = "/run/peapod-oci")
    Path root;

    @Option(names = "--log", description = "log file for errors and debug output")
    Path log;

    @Option(names = "--log-format", description = "text or json (default ${DEFAULT-VALUE})", defaultValue = "text")
    String logFormat;

    @Option(names = "--debug", description = "log debug output")
    boolean debug;

    @Option(names = "--rootless", description = "accepted for runc compatibility (auto, true, false); peapod runs as root")
    String rootless;

    @Option(names = "--systemd-cgroup", description = "use systemd for cgroups (not supported: cgroupfs only)")
    boolean systemdCgroup;

    private ContainerRuntime runtime;

    ContainerRuntime runtime() {
        if (systemdCgroup) {
            throw new io.peapod.runtime.errors.InvalidArgumentException(
                    "--systemd-cgroup is not supported: peapod manages cgroups through cgroupfs");
        }
        if (runtime == null) {
            runtime = new ContainerRuntime(RuntimeContext.forHost(root));
        }
        return runtime;
    }
}
