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
            OciRun.class, OciList.class, OciSpec.class, OciPause.class, OciResume.class, OciExec.class})
public final class OciCommand {
    @Option(names = "--root", description = "state directory (default ${DEFAULT-VALUE})",
            defaultValue = "/run/peapod-oci")
    Path root;

    @Option(names = "--log", description = "log file for errors and debug output")
    Path log;

    @Option(names = "--log-format", description = "text or json (default ${DEFAULT-VALUE})", defaultValue = "text")
    String logFormat;

    @Option(names = "--debug", description = "log debug output")
    boolean debug;

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
