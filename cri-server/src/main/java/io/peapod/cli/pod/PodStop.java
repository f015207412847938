package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.kube.PodRunner;
import io.peapod.kube.RunningPod;
import io.peapod.runtime.Engine;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peapod pod stop|rm}: terminates the pod's containers with grace (preStop hooks when
 * a runner supervises the pod, SIGTERM, the grace period, SIGKILL). {@code stop} keeps the pod,
 * its logs and its last status, as {@code crictl stopp} does; {@code rm} removes it, stopping
 * it first when it runs.
 */
public abstract class PodStop implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Spec
    CommandSpec command;

    @Option(names = "--grace", description = "seconds before SIGKILL (default: the pod's terminationGracePeriodSeconds)")
    Long grace;

    @Parameters(paramLabel = "POD", arity = "1..*")
    List<String> pods;

    /** Stops the pod its supervisor ran, if any, else the one on record. */
    abstract void act(PodRunner runner, String pod, Optional<RunningPod> supervised, Duration grace);

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        try (Engine engine = engineOptions.open()) {
            PodRunner runner = new PodRunner(engine, PodRunner.Options.defaults());
            Invocation.Host host = Invocation.current().host();
            for (String p : pods) {
                Duration g = grace == null ? null : Duration.ofSeconds(grace);
                act(runner, p, host.release(runner.lookup(p).id()), g);
                out.println(p);
            }
        }
        out.flush();
        return 0;
    }

    @Command(name = "stop", description = "Stop pods (SIGTERM, grace period, SIGKILL), keeping their logs and status.")
    public static final class Stop extends PodStop {
        @Override
        void act(PodRunner runner, String pod, Optional<RunningPod> supervised, Duration g) {
            if (supervised.isPresent()) {
                // its runner stops it: preStop hooks run, as the kubelet runs them
                supervised.get().stopKeeping(g == null ? supervised.get().grace() : g);
            } else {
                runner.stop(pod, g);
            }
        }
    }

    @Command(name = "rm", description = "Stop (SIGTERM, grace period, SIGKILL) and remove pods.")
    public static final class Remove extends PodStop {
        @Override
        void act(PodRunner runner, String pod, Optional<RunningPod> supervised, Duration g) {
            if (supervised.isPresent()) {
                supervised.get().stop(g == null ? supervised.get().grace() : g);
            } else {
                runner.remove(pod, g);
            }
        }
    }
}
