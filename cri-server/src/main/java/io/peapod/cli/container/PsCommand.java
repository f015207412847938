package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.runtime.Engine;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.pod.PodAnnotations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code peapod ps}: running containers (all with {@code -a}), newest first. */
@Command(name = "ps", description = "List containers.")
public final class PsCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Option(names = {"-a", "--all"}, description = "show stopped containers too")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "only ids")
    boolean quiet;

    @Override
    public Integer call() {
        List<ContainerRecord> list;
        try (Engine engine = engineOptions.open()) {
            list = new ArrayList<>(engine.containers().list());
        }
        list.removeIf(c -> c.annotations() != null
                && PodAnnotations.TYPE_SANDBOX.equals(c.annotations().get(PodAnnotations.CONTAINER_TYPE)));
        if (!all) {
            list.removeIf(c -> c.status() == ContainerStatus.STOPPED);
        }
        list.sort(Comparator.comparing((ContainerRecord c) -> c.created() == null ? "" : c.created()).reversed());
        var out = command.commandLine().getOut();
        if (quiet) {
            list.forEach(c -> out.println(Output.shortId(c.id())));
            out.flush();
            return 0;
        }
        if (output.structured()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ContainerRecord c : list) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("name", Containers.name(c));
                m.put("image", image(c));
                m.put("command", command(c));
                m.put("created", c.created());
                m.put("status", c.status().ociName());
                m.put("exitCode", c.exitCode());
                m.put("pid", c.pid());
                m.put("pod", c.annotations() == null ? null : c.annotations().get(PodAnnotations.SANDBOX_ID));
                rows.add(m);
            }
            output.print(out, rows);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ContainerRecord c : list) {
            rows.add(List.of(Output.shortId(c.id()), image(c), quote(command(c)), Output.ago(c.created()),
                    status(c), Containers.name(c)));
        }
        Output.table(out, List.of("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "NAMES"), rows);
        return 0;
    }

    static String status(ContainerRecord c) {
        return switch (c.status()) {
            case RUNNING -> "Up " + human(c.started());
            case PAUSED -> "Up " + human(c.started()) + " (Paused)";
            case STOPPED -> "Exited (" + (c.exitCode() == null ? "?" : c.exitCode()) + ") "
                    + (c.finished() == null ? "" : Output.ago(c.finished()));
            case CREATED -> "Created";
            case CREATING -> "Creating";
        };
    }

    private static String human(String t) {
        var d = Output.since(t);
        return d == null ? "" : Output.human(d);
    }

    private static String image(ContainerRecord c) {
        return c.annotations() == null ? "" : c.annotations().getOrDefault(Engine.IMAGE_NAME, "");
    }

    private static String command(ContainerRecord c) {
        return c.annotations() == null ? "" : c.annotations().getOrDefault(Containers.COMMAND, "");
    }

    private static String quote(String s) {
        String shortened = s.length() > 20 ? s.substring(0, 19) + "…" : s;
        return "\"" + shortened + "\"";
    }
}
