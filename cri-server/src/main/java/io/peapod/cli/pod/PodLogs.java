package io.peapod.cli.pod;

import io.peapod.cli.common.CriLog;
import io.peapod.cli.common.EngineOptions;
import io.peapod.kube.PodRunner;
import io.peapod.kube.PodStatus;
import io.peapod.runtime.Engine;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod pod logs POD [-c CONTAINER]}: the current (or {@code --previous}) run's output. */
@Command(name = "logs", description = "Show the output of a pod's container.")
public final class PodLogs implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "POD")
    String pod;

    @Option(names = {"-c", "--container"}, description = "the container (needed when the pod has several)")
    String container;

    @Option(names = {"-p", "--previous"}, description = "the previous run of a restarted container")
    boolean previous;

    @Option(names = "--tail", defaultValue = "-1")
    int tail;

    @Option(names = "--timestamps")
    boolean timestamps;

    @Override
    public Integer call() throws Exception {
        try (Engine engine = engineOptions.open()) {
            PodRunner runner = new PodRunner(engine, PodRunner.Options.defaults());
            PodStatus s = runner.status(pod);
            List<PodStatus.ContainerState> all = new ArrayList<>(s.initContainerStatuses());
            all.addAll(s.containerStatuses());
            PodStatus.ContainerState c;
            if (container == null) {
                if (s.containerStatuses().size() != 1) {
                    throw new InvalidArgumentException("pod " + pod + " has several containers: choose one with -c "
                            + all.stream().map(PodStatus.ContainerState::name).toList());
                }
                c = s.containerStatuses().get(0);
            } else {
                c = all.stream().filter(x -> x.name().equals(container)).findFirst().orElseThrow(
                        () -> new InvalidArgumentException("pod " + pod + " has no container " + container));
            }
            int run = previous ? c.restartCount() - 1 : c.restartCount();
            Path log = PodRunner.podDir(engine, s.sandboxId()).resolve("logs").resolve(c.name())
                    .resolve(run + ".log");
            if (run < 0 || !Files.exists(log)) {
                throw new InvalidArgumentException("container " + c.name() + " of pod " + pod + " has no "
                        + (previous ? "previous " : "") + "log yet");
            }
            new CriLog(command.commandLine().getOut(), command.commandLine().getErr(), timestamps, null)
                    .print(log, tail, null);
        }
        return 0;
    }
}
