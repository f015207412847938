package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
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
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peapod pod run pod.yaml}: runs the pod until it is Ready (or has completed), then
 * leaves its containers running under their monitors. With {@code --foreground} it keeps
 * supervising (probes, restarts) until interrupted, and then stops the pod.
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
            pod.detach();
            s = pod.status().unsupervised();
            if (output.structured()) {
                output.print(out, s);
            } else {
                PodStatusCommand.summary(out, s);
                if (!s.phase().equals("Failed")) {
                    out.println("(containers keep running; probes and restarts need `peapod pod run --foreground` "
                            + "or `peapod serve --manifests`)");
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
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            pod.stop();
            stopped.countDown();
        }, "pod-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        while (true) {
            PodStatus s = pod.awaitPhase("Succeeded", Duration.ofSeconds(1));
            if (s.phase().equals("Succeeded") || s.phase().equals("Failed")) {
                PodStatusCommand.summary(out, s);
                out.flush();
                Runtime.getRuntime().removeShutdownHook(hook);
                pod.stop();
                return s.phase().equals("Succeeded") ? 0 : 1;
            }
        }
    }
}
