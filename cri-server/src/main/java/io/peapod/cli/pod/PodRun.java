package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Invocation;
import io.peapod.cli.common.Output;
import io.peapod.kube.Manifest;
import io.peapod.kube.ManifestReader;
import io.peapod.kube.PodRunner;
import io.peapod.kube.PodStatus;
import io.peapod.kube.RunningPod;
import io.peapod.runtime.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peapod pod run pod.yaml}: runs the pod until it is Ready (or has completed), then
 * leaves its containers running under their monitors. Run by a daemon, the daemon goes on
 * supervising it (probes, restarts); without one, {@code --foreground} keeps supervising until
 * interrupted, and then stops the pod.
 */
@Command(name = "run", description = "Run a pod from a Kubernetes Pod manifest (with its ConfigMaps and Secrets).")
public final class PodRun implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--timeout", description = "seconds to wait for Ready (default ${DEFAULT-VALUE})",
            defaultValue = "120")
    long timeout;

    @Option(names = {"-f", "--foreground"}, description = "keep supervising until interrupted, then stop the pod")
    boolean foreground;

    @Override
    public Integer call() throws Exception {
        Manifest m = ManifestReader.read(file);
        PrintWriter out = command.commandLine().getOut();
        try (Engine engine = engineOptions.open()) {
            RunningPod pod = new PodRunner(engine, PodRunner.Options.defaults()).run(m);
            PodStatus s = pod.awaitReady(Duration.ofSeconds(timeout));
            if (foreground) {
                return supervise(pod, s, out);
            }
            Invocation.Host host = Invocation.current().host();
            host.supervise(pod);
            s = host.keepsSupervising() ? pod.status() : pod.status().unsupervised();
            if (output.structured()) {
                output.print(out, s);
            } else {
                PodStatusCommand.summary(out, s);
                if (!s.phase().equals("Failed") && !host.keepsSupervising()) {
                    out.println("(containers keep running; probes and restarts need `peapod pod run --foreground`, "
                            + "`peapod serve --manifests`, or a running `peapod serve` to run the pod)");
                }
            }
            out.flush();
            return s.ready() || s.phase().equals("Succeeded") ? 0 : 1;
        }
    }

    private int supervise(RunningPod pod, PodStatus first, PrintWriter out) throws InterruptedException {
        PodStatusCommand.summary(out, first);
        out.println("supervising pod " + pod.name() + "; Ctrl-C stops it");
        out.flush();
        // Ctrl-C ends this process (its hook stops the pod), or, when a daemon runs this command,
        // the client going away interrupts this thread
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                pod.stop();
            }
        };
        Thread hook = new Thread(stop, "pod-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (true) {
                PodStatus s = pod.awaitPhase("Succeeded", Duration.ofSeconds(1));
                if (s.phase().equals("Succeeded") || s.phase().equals("Failed")) {
                    PodStatusCommand.summary(out, s);
                    out.flush();
                    return s.phase().equals("Succeeded") ? 0 : 1;
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running the stop
            }
            Thread.interrupted(); // the stop below must not be cut short
            stop.run();
        }
    }
}
