package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.kube.PodRunner;
import io.peapod.kube.PodStatus;
import io.peapod.runtime.Engine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code peapod pod ls}: pods from manifests, as kubectl get pods -o wide. */
@Command(name = "ls", aliases = "list", description = "List pods run from manifests.")
public final class PodList implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        List<PodStatus> all = new ArrayList<>();
        try (Engine engine = engineOptions.open()) {
            PodRunner runner = new PodRunner(engine, PodRunner.Options.defaults());
            for (var r : runner.list()) {
                all.add(runner.status(r.id()));
            }
        }
        if (output.structured()) {
            output.print(command.commandLine().getOut(), all);
            return 0;
        }
        Output.table(command.commandLine().getOut(), List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP",
                "ID"), all.stream().map(PodStatusCommand::row).toList());
        return 0;
    }
}
