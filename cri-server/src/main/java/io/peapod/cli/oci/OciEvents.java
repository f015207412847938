package io.peapod.cli.oci;

import io.peapod.runtime.cgroup.CgroupStats;
import io.peapod.runtime.container.ContainerRuntime;
import io.peapod.runtime.container.ContainerStatus;
import io.peapod.runtime.errors.InvalidArgumentException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "events", description = "Print a container's resource usage as JSON lines.")
final class OciEvents implements Callable<Integer> {
    @ParentCommand
    OciCommand oci;

    @Parameters(index = "0", paramLabel = "CONTAINER-ID")
    String id;

    @Option(names = "--stats", description = "print the stats once and exit")
    boolean once;

    @Option(names = "--interval", description = "time between stats lines (default ${DEFAULT-VALUE})",
            defaultValue = "5s")
    String interval;

    @Override
    public Integer call() throws Exception {
        Duration every = parseInterval(interval);
        ContainerRuntime rt = oci.runtime();
        while (true) {
            if (rt.state(id).status() == ContainerStatus.STOPPED) {
                return 0;
            }
            System.out.println(OciJson.MAPPER.writeValueAsString(event(id, rt.stats(id))));
            System.out.flush();
            if (once) {
                return 0;
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** Go-style durations as runc takes them: 500ms, 5s, 1m. */
    static Duration parseInterval(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new InvalidArgumentException("--interval \"" + text + "\": expected a positive duration like 5s or 500ms");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** runc's {"type":"stats","id":…,"data":{cpu, memory, pids, hugetlb}} shape. */
    static Map<String, Object> event(String id, CgroupStats s) {
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("usage", Map.of("total", s.cpuUsageNanos(), "kernel", s.cpuSystemNanos(), "user", s.cpuUserNanos()));
        cpu.put("throttling", Map.of("periods", s.cpuPeriods(), "throttledPeriods", s.cpuThrottledPeriods(),
                "throttledTime", s.cpuThrottledTimeNanos()));
        Map<String, Object> memory = new LinkedHashMap<>();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("usage", s.memoryUsage());
        if (s.memoryLimit() >= 0) {
            usage.put("limit", s.memoryLimit());
        }
        memory.put("usage", usage);
        memory.put("swap", Map.of("usage", s.swapUsage()));
        memory.put("cache", s.memoryCache());
        memory.put("raw", Map.of("rss", s.memoryRss(), "pgfault", s.pageFaults(), "pgmajfault", s.majorPageFaults(),
                "working_set", s.memoryWorkingSet()));
        Map<String, Object> pids = new LinkedHashMap<>();
        pids.put("current", s.pidsCurrent());
        if (s.pidsLimit() >= 0) {
            pids.put("limit", s.pidsLimit());
        }
        Map<String, Object> hugetlb = new LinkedHashMap<>();
        s.hugetlbUsage().forEach((size, bytes) -> hugetlb.put(size, Map.of("usage", bytes)));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cpu", cpu);
        data.put("memory", memory);
        data.put("pids", pids);
        data.put("hugetlb", hugetlb);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", "stats");
        e.put("id", id);
        e.put("data", data);
        return e;
    }
}
