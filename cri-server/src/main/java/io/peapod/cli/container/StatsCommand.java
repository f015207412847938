package io.peapod.cli.container;

import io.peapod.cli.common.EngineOptions;
import io.peapod.cli.common.Output;
import io.peapod.runtime.Engine;
import io.peapod.runtime.cgroup.CgroupManagers;
import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.container.ContainerRecord;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.pod.PodAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peapod stats}: CPU, memory and pids of running containers from their cgroups (one sample). */
@Command(name = "stats", description = "Show running containers' resource usage (one sample).")
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engineOptions;
    @Mixin
    Output output;
    @Spec
    CommandSpec command;

    @Option(names = "--interval", description = "milliseconds between the two CPU readings (default ${DEFAULT-VALUE})",
            defaultValue = "500")
    long interval;

    @Parameters(paramLabel = "CONTAINER", arity = "0..*", description = "default: every running container")
    List<String> refs = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<ContainerRecord> targets = new ArrayList<>();
        try (Engine engine = engineOptions.open()) {
            if (refs.isEmpty()) {
                for (ContainerRecord c : engine.containers().list()) {
                    boolean infra = c.annotations() != null
                            && PodAnnotations.TYPE_SANDBOX.equals(c.annotations().get(PodAnnotations.CONTAINER_TYPE));
                    if (c.status() == ContainerStatus.RUNNING && !infra && c.cgroupPath() != null) {
                        targets.add(c);
                    }
                }
            } else {
                for (String r : refs) {
                    targets.add(Containers.resolve(engine, r));
                }
            }
        }
        Map<String, CgroupStats> first = new LinkedHashMap<>();
        for (ContainerRecord c : targets) {
            first.put(c.id(), sample(c));
        }
        long t0 = System.nanoTime();
        Thread.sleep(interval);
        long elapsed = System.nanoTime() - t0;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ContainerRecord c : targets) {
            CgroupStats a = first.get(c.id());
            CgroupStats b = sample(c);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.put("name", Containers.name(c));
            m.put("cpuPercent", a == null || b == null ? null
                    : 100.0 * (b.cpuUsageNanos() - a.cpuUsageNanos()) / elapsed);
            m.put("memoryUsage", b == null ? null : b.memoryUsage());
            m.put("memoryLimit", b == null || b.memoryLimit() < 0 ? null : b.memoryLimit());
            m.put("pids", b == null ? null : b.pidsCurrent());
            rows.add(m);
        }
        var out = command.commandLine().getOut();
        if (output.structured()) {
            output.print(out, rows);
            return 0;
        }
        List<List<String>> table = new ArrayList<>();
        for (Map<String, Object> m : rows) {
            Object cpu = m.get("cpuPercent");
            Object mem = m.get("memoryUsage");
            Object limit = m.get("memoryLimit");
            table.add(List.of(Output.shortId((String) m.get("id")), (String) m.get("name"),
                    cpu == null ? "--" : String.format(Locale.ROOT, "%.2f%%", (Double) cpu),
                    (mem == null ? "--" : Output.bytes((Long) mem)) + " / "
                            + (limit == null ? "unlimited" : Output.bytes((Long) limit)),
                    m.get("pids") == null ? "--" : m.get("pids").toString()));
        }
        Output.table(out, List.of("CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "PIDS"), table);
        return 0;
    }

    private static CgroupStats sample(ContainerRecord c) {
        if (c.cgroupPath() == null) {
            return null;
        }
        try {
            return CgroupManagers.forPath(c.cgroupPath()).stats();
        } catch (RuntimeException e) {
            return null; // exited between the listing and now
        }
    }
}
