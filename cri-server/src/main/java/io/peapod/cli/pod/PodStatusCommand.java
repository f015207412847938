package io.peapod.cli.pod;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.kube.PodRunner;
import io.peapod.kube.PodStatus;
import io.peapod.runtime.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod pod status}: phase, conditions and each container, as kubectl describe shows them. */
@Command(name = "status", aliases = "inspect", description = "Show a pod's phase, conditions and containers.")
public final class PodStatusCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "POD", description = "pod name or sandbox id (prefix)")
    String pod;

    @Override
    public Integer call() {
        PodStatus s;
        try (Engine engine = engineOptions.open()) {
            s = new PodRunner(engine, PodRunner.Options.defaults()).status(pod);
        }
        PrintWriter out = command.commandLine().getOut();
        if (output.structured()) {
            output.print(out, s);
        } else {
            describe(out, s);
        }
        return 0;
    }

    /** One line as kubectl get pod -o wide. */
    static void summary(PrintWriter out, PodStatus s) {
        Output.table(out, List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "ID"), List.of(row(s)));
    }

    static List<String> row(PodStatus s) {
        long ready = s.containerStatuses().stream().filter(PodStatus.ContainerState::ready).count();
        int restarts = s.containerStatuses().stream().mapToInt(PodStatus.ContainerState::restartCount).sum();
        var age = Output.since(s.startTime());
        return List.of(s.name(), ready + "/" + s.containerStatuses().size(), display(s),
                Integer.toString(restarts), age == null ? "" : Output.human(age), s.podIP() == null ? "" : s.podIP(),
                Output.shortId(s.sandboxId()));
    }

    /** kubectl's STATUS column: the phase, or a waiting container's reason, or Init:n/m. */
    static String display(PodStatus s) {
        if (s.reason() != null) {
            return s.reason();
        }
        int inits = s.initContainerStatuses().size();
        long initDone = s.initContainerStatuses().stream().filter(c -> c.state().equals("terminated")
                && Integer.valueOf(0).equals(c.exitCode())).count();
        if (initDone < inits) {
            return "Init:" + initDone + "/" + inits;
        }
        for (PodStatus.ContainerState c : s.containerStatuses()) {
            if (c.state().equals("waiting") && c.reason() != null && !c.reason().equals("ContainerCreating")) {
                return c.reason().split(":")[0];
            }
        }
        return s.phase();
    }

    static void describe(PrintWriter out, PodStatus s) {
        out.println("Name:        " + s.name());
        out.println("Namespace:   " + s.namespace());
        out.println("Sandbox:     " + s.sandboxId());
        out.println("Start Time:  " + s.startTime());
        out.println("Status:      " + s.phase() + (s.reason() == null ? "" : " (" + s.reason() + ")"));
        out.println("IP:          " + (s.podIP() == null || s.podIP().isEmpty() ? "<none>" : s.podIP()));
        out.println("Supervised:  " + (s.supervised() ? "yes" : "no (probes and restarts are not running)"));
        if (!s.initContainerStatuses().isEmpty()) {
            out.println("Init Containers:");
            containers(out, s.initContainerStatuses());
        }
        out.println("Containers:");
        containers(out, s.containerStatuses());
        out.println("Conditions:");
        List<List<String>> rows = new ArrayList<>();
        for (PodStatus.Condition c : s.conditions()) {
            rows.add(List.of("  " + c.type(), c.status() ? "True" : "False"));
        }
        Output.table(out, List.of("  Type", "Status"), rows);
    }

    private static void containers(PrintWriter out, List<PodStatus.ContainerState> list) {
        for (PodStatus.ContainerState c : list) {
            out.println("  " + c.name() + ":");
            out.println("    Container ID:  " + (c.containerId() == null ? "" : c.containerId()));
            out.println("    Image:         " + c.image());
            String state = switch (c.state()) {
                case "running" -> "Running (started " + c.startedAt() + ")";
                case "terminated" -> "Terminated (" + c.reason() + ", exit code " + c.exitCode() + ", finished "
                        + c.finishedAt() + ")";
                default -> "Waiting (" + c.reason() + ")";
            };
            out.println("    State:         " + state);
            out.println("    Ready:         " + (c.ready() ? "True" : "False"));
            out.println("    Restart Count: " + c.restartCount());
        }
        out.flush();
    }
}
