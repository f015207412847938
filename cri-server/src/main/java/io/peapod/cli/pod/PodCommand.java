package io.peapod.cli.pod;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peapod pod}: Kubernetes Pod manifests on this machine. */
@Command(name = "pod", description = "Run and manage pods from Kubernetes Pod manifests.",
        subcommands = {PodRun.class, PodList.class, PodStatusCommand.class, PodLogs.class, PodStop.Stop.class,
            PodStop.Remove.class})
public final class PodCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "pod: give a subcommand (run, ls, inspect, "
                + "status, logs, stop, rm)");
    }
}
