package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.kube.PodRunner;
import io.peapod.runtime.Engine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod pod stop|rm}: terminates the pod's containers with grace and removes the pod. */
@Command(name = "rm", aliases = "stop", description = "Stop (SIGTERM, grace period, SIGKILL) and remove pods.")
public final class PodStop implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = "--grace", description = "seconds before SIGKILL (default: the pod's terminationGracePeriodSeconds)")
    Long grace;

    @Parameters(paramLabel = "POD", arity = "1..*")
    List<String> pods;

    @Override
    public Integer call() {
        try (Engine engine = engineOptions.open()) {
            PodRunner runner = new PodRunner(engine, PodRunner.Options.defaults());
            Invocation.Host host = Invocation.current().host();
            for (String p : pods) {
                Duration g = grace == null ? null : Duration.ofSeconds(grace);
                var supervised = host.release(runner.lookup(p).id());
                if (supervised.isPresent()) {
                    // its runner stops it: preStop hooks run, as the kubelet runs them
                    if (g == null) {
                        supervised.get().stop();
                    } else {
                        supervised.get().stop(g);
                    }
                } else {
                    runner.remove(p, g);
                }
                command.commandLine().getOut().println(p);
            }
        }
        command.commandLine().getOut().flush();
        return 0;
    }
}
